"use client";

import { Archive } from "lucide-react";
import { useState } from "react";

import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Field, FormMessage } from "@/components/ui/field";
import { Select } from "@/components/ui/input";
import { settled } from "@/components/forms/use-action";
import { formatDays, RETENTION_CHOICES, RETENTION_DAYS } from "@/lib/validation/retention";

import { setRetentionAction } from "./actions";

/** Settings → Data retention: how long the log, messages and closed chats are kept (owners change it). */
export function DataRetention({ retentionDays, isOwner }: { retentionDays: number; isOwner: boolean }) {
  const [saved, setSaved] = useState(retentionDays);
  const [chosen, setChosen] = useState(retentionDays);
  const [message, setMessage] = useState<{ tone: "success" | "error"; text: string } | null>(null);
  const choices = [...new Set<number>([...RETENTION_CHOICES, saved])].sort((a, b) => a - b);

  const save = async (): Promise<string | null> => {
    const result = await settled(setRetentionAction({ days: chosen }));
    if (!result.ok) {
      setMessage({ tone: "error", text: result.fieldErrors?.days?.[0] ?? result.error });
      return result.error;
    }
    setSaved(result.data.days);
    setMessage({ tone: "success", text: `Saved: data is kept for ${formatDays(result.data.days)}.` });
    return null;
  };
  const shorter = chosen < saved;
  const saveButton = (
    <Button type="button" disabled={chosen === saved} onClick={shorter ? undefined : () => void save()}>
      Save
    </Button>
  );

  return (
    <Card className="p-5" role="region" aria-labelledby="data-retention-heading">
      <h2 id="data-retention-heading" className="mb-1 flex items-center gap-2 text-base font-semibold">
        <Archive aria-hidden className="size-4 text-slate-500" /> Data retention
      </h2>
      <p className="mb-4 max-w-3xl text-sm text-slate-600">
        Finished deliveries and their attempts, messages and closed chats are kept for{" "}
        <strong>{formatDays(saved)}</strong>, then removed for good (a day at a time). Deliveries that have
        not finished — retrying, or waiting for their integration to be started — are kept until they do. A
        longer period applies to what arrives from now on; a shorter one also removes what is already older
        than it.
      </p>
      {isOwner ? (
        <div className="flex flex-wrap items-end gap-3">
          <Field label="Keep data for" className="w-48">
            <Select value={chosen} onChange={(e) => setChosen(Number(e.target.value))}>
              {choices.map((n) => (
                <option key={n} value={n}>
                  {formatDays(n)}
                  {n === RETENTION_DAYS.default ? " (default)" : ""}
                </option>
              ))}
            </Select>
          </Field>
          {shorter ? (
            <ConfirmDialog
              trigger={saveButton}
              title={`Keep data for ${formatDays(chosen)}?`}
              description={`What is older than ${formatDays(chosen)} — deliveries, attempts, messages and closed chats — will be removed within the hour, for good. Unfinished deliveries stay.`}
              confirmLabel="Remove older data"
              tone="danger"
              onConfirm={save}
            />
          ) : (
            saveButton
          )}
        </div>
      ) : (
        <p className="text-sm text-slate-500">Only the account&apos;s owner can change it.</p>
      )}
      {message && (
        <div className="mt-3">
          <FormMessage tone={message.tone}>{message.text}</FormMessage>
        </div>
      )}
    </Card>
  );
}
