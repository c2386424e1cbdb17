"use client";

import { useState } from "react";

import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogFooter } from "@/components/ui/dialog";
import { RadioGroup } from "@/components/ui/radio-group";
import type { IntegrationSummary } from "@/lib/data/integrations";
import type { WaitingChoice } from "@/lib/validation/deliveries";
import { waitingEventsText } from "@/lib/webhooks/waiting-count";

/**
 * Start ▶ of an integration whose events waited while it was stopped: send them (in order) or skip them
 * (they stay in the Deliveries log as Skipped, and each can still be resent).
 */
export function StartDialog({
  integration,
  onStart,
  onClose,
}: {
  integration: IntegrationSummary | null;
  onStart: (waiting: WaitingChoice) => void;
  onClose: () => void;
}) {
  const [choice, setChoice] = useState<WaitingChoice>("send");
  return (
    <Dialog
      open={!!integration}
      onOpenChange={(open) => {
        if (open) return;
        setChoice("send");
        onClose();
      }}
    >
      {integration && (
        <DialogContent
          title={`Start “${integration.alias}”`}
          description={`${waitingEventsText(integration.waiting)} arrived while it was stopped.`}
        >
          <RadioGroup<WaitingChoice>
            legend="What should happen to them?"
            value={choice}
            onChange={setChoice}
            options={[
              { value: "send", label: "Send them now, each chat’s events in the order they arrived" },
              {
                value: "skip",
                label: "Skip them: they are not sent, and show as Skipped in the Deliveries log",
              },
            ]}
          />
          <DialogFooter>
            <DialogClose asChild>
              <Button variant="secondary">Cancel</Button>
            </DialogClose>
            <Button
              onClick={() => {
                onStart(choice);
                setChoice("send");
              }}
            >
              Start ▶
            </Button>
          </DialogFooter>
        </DialogContent>
      )}
    </Dialog>
  );
}
