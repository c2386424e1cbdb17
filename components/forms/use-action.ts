"use client";

import { useState, useTransition } from "react";

import type { ActionResult } from "@/lib/actions";

/**
 * A server action's answer, with a network failure turned into a refusal: an action call that rejects
 * inside a transition would otherwise replace the whole page with the error screen.
 */
export function settled<T>(call: Promise<ActionResult<T>>): Promise<ActionResult<T>> {
  return call.catch(() => ({
    ok: false,
    error: "Could not reach the server. Check your connection and try again.",
  }));
}

/** A server action's data, or its message as a thrown Error (what react-query expects of a failure). */
export async function unwrap<T>(call: Promise<ActionResult<T>>): Promise<T> {
  const result = await settled(call);
  if (!result.ok) throw new Error(result.error);
  return result.data;
}

/** Runs one-click server actions (remove, revoke, go Live) with a pending flag and the refusal message. */
export function useAction() {
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const run = (action: () => Promise<ActionResult<unknown>>) =>
    start(async () => {
      setError(null);
      const result = await settled(action());
      if (!result.ok) setError(result.error);
    });
  return { run, pending, error };
}
