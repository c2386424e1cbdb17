"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Plug } from "lucide-react";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";

import {
  deleteIntegrationAction,
  listIntegrationsAction,
  startIntegrationAction,
  stopIntegrationAction,
} from "@/app/(app)/integrations/actions";
import { ActionError, unwrap } from "@/components/forms/use-action";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/card";
import { Dialog, DialogClose, DialogContent, DialogFooter } from "@/components/ui/dialog";
import { FormMessage } from "@/components/ui/field";
import type { IntegrationSummary } from "@/lib/data/integrations";
import type { WaitingChoice } from "@/lib/validation/deliveries";
import { waitingEventsText } from "@/lib/webhooks/waiting-count";

import { DeleteDialog, DeletedNotice, PAUSE_FIRST, type DeletedIntegration } from "./delete-dialog";
import { IntegrationCard } from "./integration-card";
import { INTEGRATIONS_QUERY_KEY } from "./query-keys";
import { StartDialog } from "./start-dialog";

type StatusChange = { integration: IntegrationSummary; action: "start" | "stop"; waiting?: WaitingChoice };

// What the banner says after a Start or Stop (it replaces "Saved …").
type StatusNotice = { alias: string; action: "start" | "stop"; waiting: number; skipped: number };

function statusNoticeText({ alias, action, waiting, skipped }: StatusNotice): string {
  if (action === "stop") return `Stopped “${alias}”: its events wait until you start it again.`;
  const what =
    skipped > 0
      ? ` ${waitingEventsText(skipped)} that waited ${skipped === 1 ? "was" : "were"} skipped (Skipped in its Deliveries log).`
      : waiting > 0
        ? ` The ${waitingEventsText(waiting)} that waited ${waiting === 1 ? "is" : "are"} being sent in order.`
        : "";
  return `Started “${alias}”: its events are delivered from now on.${what}`;
}

/**
 * The Integrations tab: the account's cards, kept in react-query. Start and Stop change the card at
 * once (optimistic update) and roll back, with the server's reason in a dialog, if it refuses.
 */
export function IntegrationList({
  initial,
  savedId,
  onAddIntegration,
}: {
  initial: IntegrationSummary[];
  /** The integration the wizard just saved, to confirm it. */
  savedId?: string;
  onAddIntegration: () => void;
}) {
  const queryClient = useQueryClient();
  const { data: integrations } = useQuery({
    queryKey: INTEGRATIONS_QUERY_KEY,
    queryFn: () => unwrap(listIntegrationsAction({})),
    initialData: initial,
    // Campaigns going Live or a receiver's 410 Gone change cards from elsewhere.
    refetchInterval: 10_000,
  });
  // Each visit renders fresh cards on the server: they replace what the cache kept from an earlier visit.
  useEffect(() => {
    queryClient.setQueryData(INTEGRATIONS_QUERY_KEY, initial);
  }, [initial, queryClient]);
  // A refused Start or Stop; Stop on an integration that Live campaigns use is the spec's "invalid
  // action", with the campaigns to pause.
  const [refusal, setRefusal] = useState<{
    title: string;
    message: string;
    campaigns?: IntegrationSummary["liveCampaigns"];
  } | null>(null);
  const refuseStop = (integration: IntegrationSummary) =>
    setRefusal({
      title: "Invalid action",
      message: `“${integration.alias}” cannot be stopped while Live campaigns use it. ${PAUSE_FIRST}, then stop the integration.`,
      campaigns: integration.liveCampaigns,
    });
  const [deleting, setDeleting] = useState<IntegrationSummary | null>(null);
  const [deleted, setDeleted] = useState<DeletedIntegration | null>(null);
  const deletedNotice = useRef<HTMLDivElement>(null);
  // Set by a deletion, read once when its dialog closes.
  const focusNotice = useRef(false);

  const setCard = (id: string, change: (i: IntegrationSummary) => IntegrationSummary) =>
    queryClient.setQueryData<IntegrationSummary[]>(INTEGRATIONS_QUERY_KEY, (list) =>
      list?.map((i) => (i.id === id ? change(i) : i)),
    );

  // The card whose Start asks what to do with the events that waited, and the banner after a change.
  const [starting, setStarting] = useState<IntegrationSummary | null>(null);
  const [notice, setNotice] = useState<StatusNotice | null>(null);

  const statusChange = useMutation({
    mutationFn: async ({ integration, action, waiting }: StatusChange) =>
      action === "start"
        ? unwrap(startIntegrationAction({ id: integration.id, waiting }))
        : { ...(await unwrap(stopIntegrationAction({ id: integration.id }))), skipped: 0 },
    onMutate: async ({ integration, action }) => {
      setNotice(null);
      await queryClient.cancelQueries({ queryKey: INTEGRATIONS_QUERY_KEY });
      const previous = queryClient.getQueryData<IntegrationSummary[]>(INTEGRATIONS_QUERY_KEY);
      setCard(integration.id, (i) =>
        action === "start"
          ? { ...i, status: "ACTIVE", disabledReason: null, waiting: 0 }
          : { ...i, status: "INACTIVE" },
      );
      return { previous };
    },
    onError: async (error, { integration, action }, context) => {
      if (context?.previous) queryClient.setQueryData(INTEGRATIONS_QUERY_KEY, context.previous);
      if (action === "stop" && error instanceof ActionError && error.code === "CONFLICT") {
        // A campaign went Live since the card was loaded: show the same "Invalid action" dialog,
        // with the campaigns as the server sees them now.
        const fresh = await unwrap(listIntegrationsAction({})).catch(() => null);
        const card = fresh?.find((i) => i.id === integration.id);
        if (fresh) queryClient.setQueryData(INTEGRATIONS_QUERY_KEY, fresh);
        if (card && card.liveCampaigns.length > 0) return refuseStop(card);
      }
      setRefusal({
        title: `Could not ${action} “${integration.alias}”`,
        message: error.message,
      });
    },
    onSuccess: ({ skipped, ...saved }, { integration, action, waiting }) => {
      setCard(saved.id, () => saved);
      setNotice({
        alias: saved.alias,
        action,
        waiting: action === "start" && waiting !== "skip" ? integration.waiting : 0,
        skipped,
      });
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: INTEGRATIONS_QUERY_KEY }),
  });

  const remove = useMutation({
    mutationFn: (integration: IntegrationSummary) => unwrap(deleteIntegrationAction({ id: integration.id })),
    onSuccess: (result, integration) => {
      queryClient.setQueryData<IntegrationSummary[]>(INTEGRATIONS_QUERY_KEY, (list) =>
        list?.filter((i) => i.id !== integration.id),
      );
      setDeleted(result);
      focusNotice.current = true;
      setDeleting(null);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: INTEGRATIONS_QUERY_KEY }),
  });

  // The card the wizard just saved, as it is now (Start or Stop on it changes what to do next).
  const saved = savedId ? integrations.find((i) => i.id === savedId) : undefined;

  return (
    <div className="flex flex-col gap-4">
      {/* Empty, it takes no room: the negative margin cancels the gap after it. */}
      <DeletedNotice deleted={deleted} ref={deletedNotice} className="empty:-mb-4" />
      {notice ? (
        <FormMessage tone="success">{statusNoticeText(notice)}</FormMessage>
      ) : (
        saved && (
          <FormMessage tone="success">
            Saved “{saved.alias}”.{" "}
            {saved.status === "ACTIVE"
              ? "Changes apply to the next events."
              : "Choose Start ▶ in its Actions menu when you are ready to receive events."}
          </FormMessage>
        )
      )}

      {integrations.length === 0 ? (
        <EmptyState icon={<Plug className="size-8" aria-hidden />} title="No integrations yet">
          <p>Add a Custom Webhook to send every chat event on your connections to your own systems.</p>
          <Button className="mt-4" onClick={onAddIntegration}>
            Add integration
          </Button>
        </EmptyState>
      ) : (
        <div className="grid gap-4 md:grid-cols-2">
          {integrations.map((integration) => (
            <IntegrationCard
              key={integration.id}
              integration={integration}
              busy={statusChange.isPending && statusChange.variables?.integration.id === integration.id}
              onStart={() =>
                integration.waiting > 0
                  ? setStarting(integration)
                  : statusChange.mutate({ integration, action: "start" })
              }
              onStop={() =>
                integration.liveCampaigns.length > 0
                  ? refuseStop(integration)
                  : statusChange.mutate({ integration, action: "stop" })
              }
              onDelete={() => {
                remove.reset();
                setDeleted(null);
                setDeleting(integration);
              }}
            />
          ))}
        </div>
      )}

      <StartDialog
        integration={starting}
        onStart={(waiting) => {
          if (starting) statusChange.mutate({ integration: starting, action: "start", waiting });
          setStarting(null);
        }}
        onClose={() => setStarting(null)}
      />

      <DeleteDialog
        // The dialog judges Active from the card as it is now, not as it was when opened.
        integration={deleting && (integrations.find((i) => i.id === deleting.id) ?? deleting)}
        onConfirm={() => deleting && remove.mutate(deleting)}
        onClose={() => setDeleting(null)}
        onCloseAutoFocus={(event) => {
          // The deleted card's Actions button is gone: focus the confirmation instead.
          if (!focusNotice.current) return;
          focusNotice.current = false;
          event.preventDefault();
          deletedNotice.current?.focus();
        }}
        pending={remove.isPending}
        error={remove.error?.message ?? null}
      />

      <Dialog open={!!refusal} onOpenChange={(open) => !open && setRefusal(null)}>
        {refusal && (
          <DialogContent title={refusal.title} description={refusal.message}>
            {refusal.campaigns && (
              <ul aria-label="Campaigns to pause" className="list-disc pl-5 text-sm">
                {refusal.campaigns.map((c) => (
                  <li key={c.id}>
                    <Link href={`/campaigns/${c.id}`} className="text-brand-700 hover:underline">
                      {c.name}
                    </Link>
                  </li>
                ))}
              </ul>
            )}
            <DialogFooter>
              <DialogClose asChild>
                <Button>OK</Button>
              </DialogClose>
            </DialogFooter>
          </DialogContent>
        )}
      </Dialog>
    </div>
  );
}
