"use client";

import { Info, Plus, Trash2 } from "lucide-react";
import { useState } from "react";
import { useFormContext, useWatch } from "react-hook-form";

import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { Select } from "@/components/ui/input";
import { Table, Td, Th } from "@/components/ui/table";
import type { ConnectionChoice } from "@/lib/data/integrations";
import type { IntegrationFormValues } from "@/lib/validation/integration";

import { ChannelName } from "@/components/ui/channel";

/**
 * The Connections step: the Available Connections dropdown ("SMS – 72345"), Add +, and the table of
 * chosen ones. Connections another integration or a campaign uses are listed disabled, with the reason.
 */
export function ConnectionsSection({ choices }: { choices: ConnectionChoice[] }) {
  const { control, setValue, formState } = useFormContext<IntegrationFormValues>();
  const chosenIds = useWatch({ control, name: "connectionIds" });
  const [selected, setSelected] = useState("");
  const byId = new Map(choices.map((c) => [c.id, c]));
  const chosen = chosenIds.map((id) => byId.get(id)).filter((c): c is ConnectionChoice => !!c);
  const offered = choices.filter((c) => !chosenIds.includes(c.id));
  const unavailable = offered.filter((c) => c.unavailableReason);
  const error = formState.errors.connectionIds?.message;

  const setChosen = (ids: string[]) =>
    setValue("connectionIds", ids, { shouldDirty: true, shouldValidate: formState.isSubmitted });

  const add = () => {
    if (!selected || chosenIds.includes(selected)) return;
    setChosen([...chosenIds, selected]);
    setSelected("");
  };

  return (
    <Card className="p-4 sm:p-5">
      <h2 className="text-base font-semibold text-slate-900">Connections</h2>
      <p className="mt-1 mb-4 text-sm text-slate-600">
        The SMS and WhatsApp channels whose chats are sent to this webhook. A connection feeds one integration
        and cannot be shared with Keyword or Chatbot Service campaigns.
      </p>

      <div className="flex flex-wrap items-end gap-3">
        <Field label="Available Connections" className="min-w-56 flex-1">
          <Select value={selected} onChange={(e) => setSelected(e.target.value)}>
            <option value="">
              {offered.some((c) => !c.unavailableReason) ? "Select a connection…" : "No connection available"}
            </option>
            {offered.map((c) => (
              <option key={c.id} value={c.id} disabled={!!c.unavailableReason}>
                {c.unavailableReason ? `${c.label} (${c.unavailableReason})` : c.label}
              </option>
            ))}
          </Select>
        </Field>
        <Button variant="secondary" aria-label="Add +" onClick={add} disabled={!selected}>
          Add <Plus aria-hidden className="size-4" />
        </Button>
      </div>
      {unavailable.length > 0 && (
        <p className="mt-2 text-xs text-slate-600">
          Not available here:{" "}
          {unavailable.map((c, i) => (
            <span key={c.id}>
              {i > 0 && "; "}
              {c.label} ({c.unavailableReason})
            </span>
          ))}
          .
        </p>
      )}
      {choices.length === 0 && (
        <p className="mt-2 text-sm text-slate-600">
          Your account has no connections yet; add them under Connections.
        </p>
      )}

      {chosen.length > 0 ? (
        <div className="mt-4 rounded-md border border-slate-200">
          <Table aria-label="Chosen connections" stack>
            <thead>
              <tr>
                <Th>Channel</Th>
                <Th>Number / code</Th>
                <Th className="text-right">Actions</Th>
              </tr>
            </thead>
            <tbody>
              {chosen.map((c) => (
                <tr key={c.id}>
                  <Td label="Channel">
                    <ChannelName channel={c.channel} />
                  </Td>
                  <Td label="Number / code" className="font-mono">
                    {c.code}
                  </Td>
                  <Td actions className="text-right">
                    <Button
                      variant="ghost"
                      size="icon"
                      aria-label={`Remove ${c.label}`}
                      title="Remove"
                      onClick={() => setChosen(chosenIds.filter((id) => id !== c.id))}
                    >
                      <Trash2 aria-hidden className="size-4" />
                    </Button>
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </div>
      ) : (
        <p className="mt-4 flex items-start gap-2 rounded-md border border-sky-200 bg-sky-50 px-3 py-2 text-sm text-sky-900">
          <Info aria-hidden className="mt-0.5 size-4 shrink-0" />
          <span>
            No connections chosen. That is fine when this integration is meant for a{" "}
            <strong>Chatbot Service</strong> campaign: save it without connections; once it is Active, the
            campaign can select it as its Custom Webhook.
          </span>
        </p>
      )}
      {error && (
        <p role="alert" className="mt-2 text-sm font-medium text-red-700">
          {error}
        </p>
      )}
    </Card>
  );
}
