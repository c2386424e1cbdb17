"use client";

import { AlertDialog } from "radix-ui";
import { useState, type ReactNode } from "react";

import { Button } from "./button";
import { FormMessage } from "./field";

interface ConfirmDialogProps {
  /** The element that opens the dialog (a Button). */
  trigger: ReactNode;
  title: string;
  description: ReactNode;
  confirmLabel?: string;
  tone?: "primary" | "danger";
  /** Runs on Confirm; an error message it returns keeps the dialog open and shows the message. */
  onConfirm: () => Promise<string | null | void>;
}

/** Asks before doing something that matters; Confirm runs the action, Cancel closes. */
export function ConfirmDialog({
  trigger,
  title,
  description,
  confirmLabel = "Confirm",
  tone = "primary",
  onConfirm,
}: ConfirmDialogProps) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <AlertDialog.Root
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) setError(null);
      }}
    >
      <AlertDialog.Trigger asChild>{trigger}</AlertDialog.Trigger>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="fixed inset-0 z-50 bg-slate-900/40" />
        <AlertDialog.Content className="fixed top-1/2 left-1/2 z-50 w-[min(28rem,calc(100vw-2rem))] -translate-x-1/2 -translate-y-1/2 rounded-lg bg-white p-5 shadow-xl">
          <AlertDialog.Title className="text-lg font-semibold">{title}</AlertDialog.Title>
          <AlertDialog.Description asChild>
            <div className="mt-2 text-sm text-slate-600">{description}</div>
          </AlertDialog.Description>
          {error && (
            <div className="mt-3">
              <FormMessage>{error}</FormMessage>
            </div>
          )}
          <div className="mt-5 flex justify-end gap-2">
            <AlertDialog.Cancel asChild>
              <Button variant="secondary">Cancel</Button>
            </AlertDialog.Cancel>
            <Button
              variant={tone}
              disabled={busy}
              onClick={async () => {
                setBusy(true);
                setError(null);
                const message = await onConfirm().catch(() => "Could not reach the server; try again.");
                setBusy(false);
                if (message) setError(message);
                else setOpen(false);
              }}
            >
              {busy ? "Working…" : confirmLabel}
            </Button>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
