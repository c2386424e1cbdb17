"use client";

import { CheckCircle2 } from "lucide-react";
import type { Ref } from "react";

import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Dialog, DialogClose, DialogContent, DialogFooter } from "@/components/ui/dialog";
import { FormMessage } from "@/components/ui/field";
import type { IntegrationSummary } from "@/lib/data/integrations";

import { CampaignLink, useLinkedCampaigns } from "./linked-campaigns";

/** The spec's procedure before an integration that Live campaigns use can be stopped. */
export const PAUSE_FIRST = "Pause each campaign first (its Report → Pause → Confirm)";

/** What a deletion did, as the server answered it. */
export interface DeletedIntegration {
  alias: string;
  unlinkedCampaigns: { id: string; name: string }[];
}

const quoted = (names: string[]) => names.map((n) => `“${n}”`).join(", ");

/**
 * Delete's confirmation. An Active integration cannot be deleted: the dialog says to stop it first.
 * Otherwise it names the Draft and Paused campaigns that lose their link, before anything is removed.
 */
export function DeleteDialog({
  integration,
  onConfirm,
  onClose,
  onCloseAutoFocus,
  pending,
  error,
}: {
  integration: IntegrationSummary | null;
  onConfirm: () => void;
  onClose: () => void;
  /** Where focus goes when the dialog closes (after a deletion its trigger is gone). */
  onCloseAutoFocus?: (event: Event) => void;
  pending: boolean;
  error: string | null;
}) {
  const active = integration?.status === "ACTIVE";
  // Live campaigns may still use an integration a 410 Gone stopped: the server refuses it too.
  const blocked = active || (integration?.liveCampaigns.length ?? 0) > 0;
  const linked = useLinkedCampaigns(integration && !blocked ? integration.id : null);
  const campaigns = linked.data ?? [];
  return (
    <Dialog open={!!integration} onOpenChange={(open) => !open && onClose()}>
      {integration && (
        <DialogContent
          title={blocked ? `“${integration.alias}” cannot be deleted yet` : `Delete “${integration.alias}”?`}
          onCloseAutoFocus={onCloseAutoFocus}
          description={
            integration.liveCampaigns.length > 0
              ? `“${integration.alias}” is used by the Live campaign ${quoted(integration.liveCampaigns.map((c) => c.name))}. ${PAUSE_FIRST}, ${active ? "stop the integration, " : ""}then delete it.`
              : active
                ? `“${integration.alias}” is Active. Stop it first (Actions → Stop), then delete it.`
                : "The integration and its delivery history are removed, and its connections become free for other integrations and campaigns. This cannot be undone."
          }
        >
          {!blocked && (
            <div className="text-sm">
              {linked.isPending ? (
                <p className="text-slate-600">Checking which campaigns use it…</p>
              ) : linked.isError ? (
                <FormMessage>
                  Could not check which campaigns use it ({linked.error.message}). Campaigns linked to it are
                  unlinked.
                </FormMessage>
              ) : (
                campaigns.length > 0 && (
                  <div className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-amber-950">
                    <p>
                      {campaigns.length === 1
                        ? "This campaign will be unlinked"
                        : `These ${campaigns.length} campaigns will be unlinked`}{" "}
                      and {campaigns.length === 1 ? "needs" : "need"} another Custom Webhook before going Live
                      again:
                    </p>
                    <ul aria-label="Campaigns to be unlinked" className="mt-1 list-disc pl-5">
                      {campaigns.map((c) => (
                        <li key={c.id}>
                          <CampaignLink campaign={c} />
                        </li>
                      ))}
                    </ul>
                  </div>
                )
              )}
            </div>
          )}
          {error && <FormMessage>{error}</FormMessage>}
          <DialogFooter>
            <DialogClose asChild>
              <Button variant="secondary">{blocked ? "Close" : "Cancel"}</Button>
            </DialogClose>
            {!blocked && (
              <Button variant="danger" onClick={onConfirm} disabled={pending || linked.isPending}>
                {pending ? "Deleting…" : "Delete"}
              </Button>
            )}
          </DialogFooter>
        </DialogContent>
      )}
    </Dialog>
  );
}

/**
 * The confirmation after a deletion, in a live region that is always there (so screen readers announce
 * what appears in it); it takes focus when the dialog closes, since the deleted card's menu is gone.
 */
export function DeletedNotice({
  deleted,
  ref,
  className,
}: {
  deleted: DeletedIntegration | null;
  ref?: Ref<HTMLDivElement>;
  className?: string;
}) {
  const unlinked = deleted?.unlinkedCampaigns ?? [];
  return (
    <div role="status" ref={ref} tabIndex={-1} className={cn("focus:outline-none", className)}>
      {deleted && (
        <p className="flex items-start gap-2 rounded-md border border-green-200 bg-green-50 px-3 py-2 text-sm text-green-800">
          <CheckCircle2 aria-hidden className="mt-0.5 size-4 shrink-0" />
          <span>
            Deleted “{deleted.alias}”.
            {unlinked.length > 0 &&
              ` ${unlinked.length === 1 ? "The campaign" : "The campaigns"} ${quoted(unlinked.map((c) => c.name))} ${unlinked.length === 1 ? "was" : "were"} unlinked: select another Custom Webhook in ${unlinked.length === 1 ? "it" : "them"} before going Live again.`}
          </span>
        </p>
      )}
    </div>
  );
}
