"use client";

import { Send } from "lucide-react";
import { useId } from "react";
import { useFormState } from "react-hook-form";

import { SendTestEventButton } from "@/components/deliveries/send-test-event";
import { Button } from "@/components/ui/button";

import type { WizardExtensionProps } from "./extensions";

// A line of its own under the preview's buttons (they sit in a wrapping row).
const noteClass = "basis-full text-xs text-slate-600";

/**
 * Send test event under the request preview. The engine sends the saved configuration, so a new
 * integration must be saved first, and unsaved edits are not part of the test.
 */
export function SendTestEventAction({ integrationId }: WizardExtensionProps) {
  const noteId = useId();
  const { isDirty } = useFormState();
  if (!integrationId) {
    return (
      <>
        <Button variant="secondary" size="sm" disabled aria-describedby={noteId}>
          <Send aria-hidden className="size-4" />
          Send test event
        </Button>
        <p id={noteId} className={noteClass}>
          Save the integration first: a test event is sent with its saved configuration.
        </p>
      </>
    );
  }
  return (
    <>
      <SendTestEventButton integrationId={integrationId} describedBy={isDirty ? noteId : undefined} />
      {isDirty && (
        <p id={noteId} className={noteClass}>
          A test event uses the saved configuration: save to test your changes.
        </p>
      )}
    </>
  );
}
