"use client";

import { useState, useTransition } from "react";

import type { ActionResult } from "@/lib/actions";
import type { AppErrorCode } from "@/lib/errors";

/** A refused server action as an Error, with the refusal's code (CONFLICT, NOT_FOUND…) when it had one. */
export class ActionError extends Error {
  constructor(
    message: string,
    readonly code?: AppErrorCode,
  ) {
    super(message);
  }
}

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

/** A server action's data, or its refusal as a thrown ActionError (what react-query expects of a failure). */
export async function unwrap<T>(call: Promise<ActionResult<T>>): Promise<T> {
  const result = await settled(call);
  if (!result.ok) throw new ActionError(result.error, result.code);
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
