"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Send } from "lucide-react";
import { useState } from "react";

import { sendTestEventAction } from "@/app/(app)/integrations/[id]/deliveries/actions";
import { DeliveryBadge } from "@/components/chats/delivery-badge";
import { unwrap } from "@/components/forms/use-action";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogFooter } from "@/components/ui/dialog";
import { FormMessage } from "@/components/ui/field";
import type { TestEventResult } from "@/lib/webhooks/send-test-event";

import { AttemptView, ERROR_CLASS_LABEL } from "./attempt-view";
import { deliveryKeys } from "./query-keys";

/** One sentence on how the test went. */
function verdict({ status, attempt }: TestEventResult): string {
  const answered = attempt.responseStatus !== null;
  if (status === "SUCCEEDED") {
    return `Your endpoint answered HTTP ${attempt.responseStatus} in ${attempt.durationMs} ms.`;
  }
  if (answered)
    return `Your endpoint answered HTTP ${attempt.responseStatus} in ${attempt.durationMs} ms: not a 2xx, so a real event would not count as delivered.`;
  const why = attempt.errorClass ? ERROR_CLASS_LABEL[attempt.errorClass] : "No response";
  return `${why}${attempt.errorMessage ? `: ${attempt.errorMessage}` : ""}.`;
}

/**
 * Send test event: delivers a sample MESSAGE now with the integration's saved configuration (signed, not
 * retried) and shows what came back — status, headers, body excerpt and duration, or the error.
 */
export function SendTestEventButton({
  integrationId,
  describedBy,
}: {
  integrationId: string;
  /** The id of a note about the button (the wizard's "save first"). */
  describedBy?: string;
}) {
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const send = useMutation({
    mutationFn: () => unwrap(sendTestEventAction({ integrationId })),
    // The test delivery joins the log.
    onSettled: () => queryClient.invalidateQueries({ queryKey: deliveryKeys.integration(integrationId) }),
  });
  const result = send.data;

  return (
    <>
      <Button
        variant="secondary"
        size="sm"
        aria-describedby={describedBy}
        disabled={send.isPending}
        onClick={() => {
          setOpen(true);
          send.mutate();
        }}
      >
        <Send aria-hidden className="size-4" />
        Send test event
      </Button>
      <Dialog open={open} onOpenChange={setOpen}>
        <DialogContent
          title="Test event"
          description="A sample MESSAGE event, sent now to the saved configuration and signed. It is not retried."
          size="xl"
        >
          <div className="flex flex-col gap-3 text-sm" aria-busy={send.isPending}>
            {send.isPending ? (
              <p role="status" className="text-slate-600">
                Sending…
              </p>
            ) : send.isError ? (
              <FormMessage>{send.error.message}</FormMessage>
            ) : (
              result && (
                <>
                  <p role="status" className="flex flex-wrap items-center gap-2">
                    <DeliveryBadge status={result.status} />
                    <span>{verdict(result)}</span>
                  </p>
                  <AttemptView attempt={result.attempt} title="Test event attempt" />
                </>
              )
            )}
          </div>
          <DialogFooter>
            <Button variant="secondary" onClick={() => send.mutate()} disabled={send.isPending}>
              Send again
            </Button>
            <DialogClose asChild>
              <Button>Close</Button>
            </DialogClose>
          </DialogFooter>
        </DialogContent>
      </Dialog>
    </>
  );
}
