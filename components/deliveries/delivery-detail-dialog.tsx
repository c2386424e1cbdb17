"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { RotateCcw } from "lucide-react";
import { useId, type ReactNode } from "react";

import { resendDeliveryAction } from "@/app/(app)/integrations/[id]/deliveries/actions";
import { DeliveryBadge } from "@/components/chats/delivery-badge";
import { unwrap } from "@/components/forms/use-action";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent } from "@/components/ui/dialog";
import { FormMessage } from "@/components/ui/field";
import { LocalTime } from "@/components/ui/local-time";
import { fetchJson } from "@/lib/json";
import { isFinished } from "@/lib/validation/deliveries";

import { AttemptView } from "./attempt-view";
import { deliveryKeys } from "./query-keys";
import type { DeliveryDetail } from "./types";

/** The attempt view of one delivery (null: closed). */
export function DeliveryDetailDialog({
  integrationId,
  deliveryId,
  onClose,
  returnFocusTo,
}: {
  integrationId: string;
  deliveryId: string | null;
  onClose: () => void;
  /** The button that opened it (the dialog has no trigger of its own), focused again on close. */
  returnFocusTo?: HTMLElement | null;
}) {
  const onCloseAutoFocus = (event: Event) => {
    if (!returnFocusTo?.isConnected) return;
    event.preventDefault();
    returnFocusTo.focus();
  };
  return (
    <Dialog open={!!deliveryId} onOpenChange={(open) => !open && onClose()}>
      {deliveryId && (
        <DetailContent
          integrationId={integrationId}
          deliveryId={deliveryId}
          onCloseAutoFocus={onCloseAutoFocus}
        />
      )}
    </Dialog>
  );
}

function DetailContent({
  integrationId,
  deliveryId,
  onCloseAutoFocus,
}: {
  integrationId: string;
  deliveryId: string;
  onCloseAutoFocus: (event: Event) => void;
}) {
  const queryClient = useQueryClient();
  const hintId = useId();
  const delivery = useQuery({
    queryKey: deliveryKeys.one(deliveryId),
    queryFn: () => fetchJson<DeliveryDetail>(`/api/portal/deliveries/${deliveryId}`),
    // Live while it may still change; a Resend makes it unfinished again and polling resumes.
    refetchInterval: (q) => (q.state.data && isFinished(q.state.data.status) ? false : 2_000),
  });
  const resend = useMutation({
    mutationFn: () => unwrap(resendDeliveryAction({ deliveryId })),
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: deliveryKeys.one(deliveryId) }),
        queryClient.invalidateQueries({ queryKey: deliveryKeys.integration(integrationId) }),
      ]),
  });

  const d = delivery.data;
  if (!d) {
    return (
      <DialogContent title="Delivery" size="xl" onCloseAutoFocus={onCloseAutoFocus}>
        {delivery.isError ? (
          <FormMessage>Could not load this delivery: {delivery.error.message}.</FormMessage>
        ) : (
          <p className="text-sm text-slate-600">Loading…</p>
        )}
      </DialogContent>
    );
  }

  const title = d.isTest ? "Test event" : `${d.event} event · ${d.payload.contact}`;
  const canResend = isFinished(d.status) && !d.isTest;
  const attempts = [...d.attempts].reverse();
  return (
    <DialogContent
      title={title}
      description={`Delivery ${d.id} (its webhook-id)`}
      size="xl"
      onCloseAutoFocus={onCloseAutoFocus}
    >
      <div className="flex flex-col gap-4 text-sm">
        <div className="flex flex-wrap items-start justify-between gap-4">
          <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-4 gap-y-1.5">
            <Item label="Status">
              <DeliveryBadge status={d.status} />
            </Item>
            <Item label="Attempts">{d.attempts.length}</Item>
            <Item label="Created">
              <LocalTime value={d.createdAt} timeStyle="medium" />
            </Item>
            {isFinished(d.status) ? (
              <Item label="Finished">
                <LocalTime value={d.completedAt} timeStyle="medium" />
              </Item>
            ) : (
              <Item label="Next attempt">
                <LocalTime
                  value={d.nextAttemptAt}
                  timeStyle="medium"
                  fallback="When the integration is started (Start ▶)"
                />
              </Item>
            )}
            {d.chatId && (
              <Item label="Chat">
                <code className="text-xs">{d.chatId}</code>
              </Item>
            )}
          </dl>
          <div className="flex max-w-xs flex-col items-end gap-1.5">
            <Button
              variant="secondary"
              onClick={() => resend.mutate()}
              disabled={!canResend || resend.isPending}
              aria-describedby={canResend ? undefined : hintId}
            >
              <RotateCcw aria-hidden className="size-4" />
              {resend.isPending ? "Resending…" : "Resend"}
            </Button>
            {!canResend && (
              <p id={hintId} className="text-right text-xs text-slate-600">
                {d.isTest
                  ? "Test events are not resent: send a new one."
                  : "Can be resent once it has Succeeded, Failed or been Skipped."}
              </p>
            )}
          </div>
        </div>
        {resend.isSuccess && (
          <FormMessage tone="success">Queued again: it goes out in its chat’s order.</FormMessage>
        )}
        {resend.isError && <FormMessage>{resend.error.message}</FormMessage>}

        <details className="rounded-md border border-slate-200">
          <summary className="cursor-pointer px-3 py-2 text-xs font-medium text-slate-700">
            Event (the variables the request is built from)
          </summary>
          <pre
            tabIndex={0}
            aria-label="Event"
            className="max-h-64 overflow-auto border-t border-slate-200 p-3 font-mono text-xs"
          >
            {JSON.stringify(d.payload, null, 2)}
          </pre>
        </details>

        <section aria-label="Attempts" className="flex flex-col gap-3">
          {attempts.length === 0 ? (
            <p className="text-slate-600">No attempt yet: it is waiting to be sent.</p>
          ) : (
            attempts.map((a) => (
              <AttemptView key={a.attemptNumber} attempt={a} title={`Attempt ${a.attemptNumber}`} />
            ))
          )}
        </section>
      </div>
    </DialogContent>
  );
}

function Item({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="contents">
      <dt className="text-slate-600">{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}
