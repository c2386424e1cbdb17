"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { History } from "lucide-react";
import { useState } from "react";

import { replayFailedAction } from "@/app/(app)/integrations/[id]/deliveries/actions";
import { settled } from "@/components/forms/use-action";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogFooter, DialogTrigger } from "@/components/ui/dialog";
import { Field, FormMessage } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { RadioGroup } from "@/components/ui/radio-group";
import type { FieldErrors } from "@/lib/errors";
import { fetchJson } from "@/lib/json";

import {
  deliveriesUrl,
  fromLocalInput,
  NO_FILTERS,
  timeWindow,
  toLocalInput,
  type LogFilters,
} from "./filters";
import { deliveryKeys } from "./query-keys";
import type { DeliveryPage } from "./types";

type Scope = "range" | "chat";

// Counting reads one page of Failed deliveries; past it the dialog says "200 or more".
const COUNT_LIMIT = 200;

/** The Failed, non-test deliveries a scope covers (one page: enough to count and to list chats). */
function useFailed(integrationId: string, scope: LogFilters, enabled: boolean) {
  const url = deliveriesUrl(
    integrationId,
    { ...scope, tests: false },
    { status: "FAILED", limit: COUNT_LIMIT },
  );
  return useQuery({
    queryKey: deliveryKeys.failed(integrationId, url),
    queryFn: () => fetchJson<DeliveryPage>(url),
    enabled,
  });
}

const countText = (page: DeliveryPage | undefined) =>
  !page ? "…" : page.nextCursor ? `${COUNT_LIMIT} or more` : String(page.deliveries.length);

/**
 * Replay failed: asks which Failed deliveries — a time range or one chat — says how many that is, and
 * on confirmation sends them again in order. `filters` (what the log shows now) fills in the choice.
 */
export function ReplayFailedDialog({
  integrationId,
  filters,
  onReplayed,
}: {
  integrationId: string;
  filters: LogFilters;
  onReplayed: (count: number) => void;
}) {
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [scope, setScope] = useState<Scope>("range");
  const [from, setFrom] = useState<string | null>(null);
  const [to, setTo] = useState<string | null>(null);
  const [chatId, setChatId] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; fieldErrors?: FieldErrors } | null>(null);

  // Opening starts from what the log shows: its chat, else its time range (else the last 24 hours).
  const prefill = () => {
    const window = timeWindow(filters);
    setScope(filters.chatId ? "chat" : "range");
    setChatId(filters.chatId ?? "");
    setFrom(window.from?.toISOString() ?? new Date(Date.now() - 86_400_000).toISOString());
    setTo(window.to?.toISOString() ?? null);
    setError(null);
  };

  const rangeScope: LogFilters = { ...NO_FILTERS, range: "custom", from, to };
  const chatScope: LogFilters = { ...NO_FILTERS, chatId: chatId || null };
  const allFailed = useFailed(integrationId, NO_FILTERS, open);
  const matching = useFailed(integrationId, scope === "range" ? rangeScope : chatScope, open);
  // The chats that have Failed deliveries, for the chat list.
  const chats = [
    ...new Map((allFailed.data?.deliveries ?? []).filter((d) => d.chatId).map((d) => [d.chatId!, d.contact])),
  ];
  const count = countText(matching.data);
  const nothing = matching.data?.deliveries.length === 0;

  async function replay() {
    setBusy(true);
    setError(null);
    const result = await settled(
      replayFailedAction(
        scope === "chat"
          ? { integrationId, chatId: chatId || undefined }
          : { integrationId, from: from ?? undefined, to: to ?? undefined },
      ),
    );
    setBusy(false);
    await queryClient.invalidateQueries({ queryKey: deliveryKeys.integration(integrationId) });
    if (!result.ok) {
      setError({ message: result.error, fieldErrors: result.fieldErrors });
      return;
    }
    setOpen(false);
    onReplayed(result.data.replayed);
  }

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        if (next) prefill();
        setOpen(next);
      }}
    >
      <DialogTrigger asChild>
        <Button variant="secondary" size="sm">
          <History aria-hidden className="size-4" />
          Replay failed
        </Button>
      </DialogTrigger>
      <DialogContent
        title="Replay failed"
        description="Failed deliveries go out again with a fresh retry window, in order: each at its place in its chat. Test events are not replayed."
      >
        <div className="flex flex-col gap-4 text-sm">
          <RadioGroup
            legend="Which failed deliveries"
            options={[
              { value: "range", label: "In a time range" },
              { value: "chat", label: "Of one chat" },
            ]}
            value={scope}
            onChange={setScope}
          />
          {scope === "range" ? (
            <div className="grid gap-3 sm:grid-cols-2">
              <Field label="From" hint="Empty: from the first." error={error?.fieldErrors?.from}>
                <Input
                  type="datetime-local"
                  value={toLocalInput(from)}
                  onChange={(e) => setFrom(fromLocalInput(e.target.value))}
                />
              </Field>
              <Field label="To" hint="Empty: until now." error={error?.fieldErrors?.to}>
                <Input
                  type="datetime-local"
                  value={toLocalInput(to)}
                  onChange={(e) => setTo(fromLocalInput(e.target.value))}
                />
              </Field>
            </div>
          ) : (
            <Field label="Chat" error={error?.fieldErrors?.chatId}>
              <Select value={chatId} onChange={(e) => setChatId(e.target.value)}>
                <option value="">Choose a chat with failed deliveries…</option>
                {chatId && !chats.some(([id]) => id === chatId) && <option value={chatId}>{chatId}</option>}
                {chats.map(([id, contact]) => (
                  <option key={id} value={id}>
                    {contact} · chat {id.slice(0, 8)}
                  </option>
                ))}
              </Select>
            </Field>
          )}
          <p role="status" className="text-slate-700">
            {scope === "chat" && !chatId
              ? "Choose a chat."
              : nothing
                ? "No failed deliveries here: nothing to replay."
                : `${count} failed ${count === "1" ? "delivery" : "deliveries"} will be sent again.`}
          </p>
          {error && <FormMessage>{error.message}</FormMessage>}
        </div>
        <DialogFooter>
          <DialogClose asChild>
            <Button variant="secondary">Cancel</Button>
          </DialogClose>
          <Button
            onClick={() => void replay()}
            disabled={busy || nothing || !matching.data || (scope === "chat" && !chatId)}
          >
            {busy ? "Replaying…" : "Replay"}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
