"use client";

import { Plus, Settings2, Trash2 } from "lucide-react";
import Link from "next/link";

import { useActionForm } from "@/components/forms/use-action-form";
import { Button } from "@/components/ui/button";
import { ChannelName } from "@/components/ui/channel";
import { Badge, Card } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Field, FormMessage } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { Table, Td, Th } from "@/components/ui/table";
import { PROVIDER_LABEL } from "@/lib/channels/providers";
import type { ConnectionListItem } from "@/lib/data/connections";
import { CHANNEL_LABEL, CHANNELS, connectionInputSchema, connectionLabel } from "@/lib/validation/connection";

import { addConnectionAction, removeConnectionAction } from "./actions";

export function ConnectionsClient({ connections }: { connections: ConnectionListItem[] }) {
  const { form, submit, formError } = useActionForm(connectionInputSchema, addConnectionAction, {
    defaultValues: { channel: "SMS", code: "" },
    onSuccess: () => form.reset({ channel: form.getValues("channel"), code: "" }),
  });
  const { errors, isSubmitting } = form.formState;

  return (
    <div className="grid gap-6 xl:grid-cols-[minmax(0,1fr)_20rem]">
      <Card>
        <h2 className="border-b border-slate-200 px-4 py-3 text-base font-semibold">Your connections</h2>
        {connections.length === 0 ? (
          <p className="px-4 py-8 text-center text-sm text-slate-600">
            No connections yet. Add one with the form.
          </p>
        ) : (
          <Table aria-label="Connections" stack>
            <thead>
              <tr>
                <Th>Channel</Th>
                <Th>Number / code</Th>
                <Th>Provider</Th>
                <Th>Used by</Th>
                <Th className="text-right">Actions</Th>
              </tr>
            </thead>
            <tbody>
              {connections.map((c) => (
                <tr key={c.id}>
                  <Td label="Channel">
                    <ChannelName channel={c.channel} />
                  </Td>
                  <Td label="Number / code" className="font-mono whitespace-nowrap">
                    {c.code}
                  </Td>
                  <Td label="Provider">
                    <Badge tone={c.provider === "SIMULATOR" ? "slate" : "green"}>
                      {PROVIDER_LABEL[c.provider]}
                    </Badge>
                  </Td>
                  <Td label="Used by" className="min-w-44">
                    {/* Text, not a pill: long names wrap as lines instead of growing into blobs. */}
                    {c.integrationAlias ? (
                      <UsedBy kind="Custom Webhook" names={[c.integrationAlias]} />
                    ) : c.campaignNames.length ? (
                      <UsedBy
                        kind={c.campaignNames.length === 1 ? "Campaign" : "Campaigns"}
                        names={c.campaignNames}
                      />
                    ) : (
                      <span className="text-slate-500">Not in use</span>
                    )}
                  </Td>
                  <Td actions className="text-right whitespace-nowrap">
                    <Button variant="ghost" size="sm" asChild>
                      <Link href={`/connections/${c.id}`}>
                        <Settings2 aria-hidden className="size-4" />
                        Provider<span className="sr-only"> of {connectionLabel(c)}</span>
                      </Link>
                    </Button>
                    <ConfirmDialog
                      trigger={
                        <Button
                          variant="ghost"
                          size="icon"
                          aria-label={`Remove ${CHANNEL_LABEL[c.channel]} ${c.code}`}
                          title="Remove"
                        >
                          <Trash2 aria-hidden className="size-4" />
                        </Button>
                      }
                      title={`Remove ${connectionLabel(c)}?`}
                      description={
                        <>
                          <p>
                            All of its chats are deleted with it: their messages and any deliveries to your
                            webhooks not yet sent. This cannot be undone.
                          </p>
                          <p className="mt-2">Contacts who write to {c.code} afterwards are not received.</p>
                        </>
                      }
                      confirmLabel="Remove"
                      tone="danger"
                      onConfirm={async () => {
                        const result = await removeConnectionAction({ id: c.id });
                        return result.ok ? null : result.error;
                      }}
                    />
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </Card>

      <Card className="h-fit p-4">
        <h2 className="mb-3 text-base font-semibold">Add a connection</h2>
        {/* Beside the table from 1280 px; below it, one row of fields from 640 px. */}
        <form
          onSubmit={submit}
          noValidate
          className="flex flex-col gap-4 sm:max-xl:grid sm:max-xl:grid-cols-[10rem_minmax(0,1fr)_auto] sm:max-xl:items-start"
        >
          {formError && (
            <div className="col-span-full">
              <FormMessage>{formError}</FormMessage>
            </div>
          )}
          <Field label="Channel" error={errors.channel?.message}>
            <Select {...form.register("channel")}>
              {CHANNELS.map((ch) => (
                <option key={ch} value={ch}>
                  {CHANNEL_LABEL[ch]}
                </option>
              ))}
            </Select>
          </Field>
          <Field
            label="Number or code"
            hint="E.164 number like +15551234567; SMS may also use a 3–8 digit short code."
            error={errors.code?.message}
          >
            <Input placeholder="+15551234567" {...form.register("code")} />
          </Field>
          <Button type="submit" disabled={isSubmitting} className="justify-center sm:max-xl:mt-[1.625rem]">
            <Plus aria-hidden className="size-4" />
            {isSubmitting ? "Adding…" : "Add connection"}
          </Button>
        </form>
      </Card>
    </div>
  );
}

/** Who uses a connection: what it is (Custom Webhook, Campaign) above the names. */
function UsedBy({ kind, names }: { kind: string; names: string[] }) {
  return (
    <span className="flex flex-col">
      <span className="text-xs text-slate-500">{kind}:</span>{" "}
      <span className="text-slate-800">{names.join(", ")}</span>
    </span>
  );
}
