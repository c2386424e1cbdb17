"use client";

import { CircleAlert } from "lucide-react";

import { LocalTime } from "@/components/ui/local-time";
import type { IntegrationSummary } from "@/lib/data/integrations";

/**
 * The circuit breaker's state on the card and in Details: the endpoint is Failing, what its last error
 * was and when the next probe goes. Nothing is dropped meanwhile: the events wait, in order.
 */
export function FailingNotice({ failing }: { failing: NonNullable<IntegrationSummary["failing"]> }) {
  return (
    <div
      role="status"
      className="mt-3 flex items-start gap-2 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900"
    >
      <CircleAlert aria-hidden className="mt-0.5 size-4 shrink-0" />
      <p>
        <strong className="font-semibold">Failing</strong> since <LocalTime value={failing.since} />
        {failing.lastError && (
          <>
            : <span className="break-words">{failing.lastError}</span>
          </>
        )}
        . Sending is paused and events wait in order;{" "}
        {failing.nextProbeAt ? (
          <>
            next probe <LocalTime value={failing.nextProbeAt} timeStyle="medium" />.
          </>
        ) : (
          "a probe is on its way."
        )}{" "}
        The first success resumes delivery.
      </p>
    </div>
  );
}
