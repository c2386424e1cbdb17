"use client";

import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogFooter } from "@/components/ui/dialog";
import { FormMessage } from "@/components/ui/field";
import type { IntegrationSummary } from "@/lib/data/integrations";

/** The spec's procedure before an integration that Live campaigns use can be stopped. */
export const PAUSE_FIRST = "Pause each campaign first (its Report → Pause → Confirm)";

/** Delete's confirmation. An Active integration cannot be deleted: the dialog says to stop it first. */
export function DeleteDialog({
  integration,
  onConfirm,
  onClose,
  pending,
  error,
}: {
  integration: IntegrationSummary | null;
  onConfirm: () => void;
  onClose: () => void;
  pending: boolean;
  error: string | null;
}) {
  const active = integration?.status === "ACTIVE";
  // Live campaigns may still use an integration a 410 Gone stopped: the server refuses it too.
  const blocked = active || (integration?.liveCampaigns.length ?? 0) > 0;
  return (
    <Dialog open={!!integration} onOpenChange={(open) => !open && onClose()}>
      {integration && (
        <DialogContent
          title={blocked ? `“${integration.alias}” cannot be deleted yet` : `Delete “${integration.alias}”?`}
          description={
            integration.liveCampaigns.length > 0
              ? `“${integration.alias}” is used by the Live campaign ${integration.liveCampaigns.map((c) => `“${c.name}”`).join(", ")}. ${PAUSE_FIRST}, ${active ? "stop the integration, " : ""}then delete it.`
              : active
                ? `“${integration.alias}” is Active. Stop it first (Actions → Stop), then delete it.`
                : "The integration and its delivery history are removed, and its connections become free for other integrations and campaigns. This cannot be undone."
          }
        >
          {error && <FormMessage>{error}</FormMessage>}
          <DialogFooter>
            <DialogClose asChild>
              <Button variant="secondary">{blocked ? "Close" : "Cancel"}</Button>
            </DialogClose>
            {!blocked && (
              <Button variant="danger" onClick={onConfirm} disabled={pending}>
                {pending ? "Deleting…" : "Delete"}
              </Button>
            )}
          </DialogFooter>
        </DialogContent>
      )}
    </Dialog>
  );
}
