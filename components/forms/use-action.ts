"use client";

import { useState, useTransition } from "react";

import type { ActionResult } from "@/lib/actions";

/** Runs one-click server actions (remove, revoke, go Live) with a pending flag and the refusal message. */
export function useAction() {
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const run = (action: () => Promise<ActionResult<unknown>>) =>
    start(async () => {
      setError(null);
      const result = await action();
      if (!result.ok) setError(result.error);
    });
  return { run, pending, error };
}
