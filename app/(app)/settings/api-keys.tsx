"use client";

import { KeyRound, Trash2 } from "lucide-react";
import { useState } from "react";

import { useActionForm } from "@/components/forms/use-action-form";
import { Button } from "@/components/ui/button";
import { Badge, Card } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { CopyButton } from "@/components/ui/copy-button";
import { Field, FormMessage } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { LocalTime } from "@/components/ui/local-time";
import { Table, Td, Th } from "@/components/ui/table";
import type { ApiKeyListItem } from "@/lib/data/api-keys";
import { apiKeyInputSchema } from "@/lib/validation/api-key";

import { createApiKeyAction, revokeApiKeyAction } from "./actions";

export function ApiKeys({ keys }: { keys: ApiKeyListItem[] }) {
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const { form, submit, formError } = useActionForm(apiKeyInputSchema, createApiKeyAction, {
    defaultValues: { name: "" },
    onSuccess: (data) => {
      setCreated(data);
      form.reset({ name: "" });
    },
  });
  const { errors, isSubmitting } = form.formState;

  return (
    <Card className="p-5">
      <h2 className="mb-1 flex items-center gap-2 text-base font-semibold">
        <KeyRound aria-hidden className="size-4 text-slate-500" /> API keys
      </h2>
      <p className="mb-4 text-sm text-slate-600">
        External systems call the platform&apos;s API with{" "}
        <code className="text-xs">Authorization: Bearer &lt;key&gt;</code>. A key is shown once, when it is
        created; we keep only its hash.
      </p>

      {created && (
        <div className="mb-4 rounded-md border border-green-200 bg-green-50 p-3" role="status">
          <p className="mb-2 text-sm font-medium text-green-900">
            Key “{created.name}” created. Copy it now: it will not be shown again.
          </p>
          <div className="flex items-center gap-2">
            <code
              data-testid="new-api-key"
              className="min-w-0 flex-1 truncate rounded bg-white px-2 py-1.5 font-mono text-xs"
            >
              {created.key}
            </code>
            <CopyButton text={created.key} label="Copy key" />
          </div>
        </div>
      )}

      <form onSubmit={submit} noValidate className="mb-5 flex flex-wrap items-start gap-3">
        <Field label="Key name" error={errors.name?.message} className="min-w-56 flex-1">
          <Input placeholder="e.g. Helpdesk integration" {...form.register("name")} />
        </Field>
        <Button type="submit" disabled={isSubmitting} className="mt-6">
          {isSubmitting ? "Creating…" : "Create API key"}
        </Button>
        {formError && <FormMessage>{formError}</FormMessage>}
      </form>

      {keys.length === 0 ? (
        <p className="text-sm text-slate-500">No API keys yet.</p>
      ) : (
        <Table aria-label="API keys" stack>
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>Key</Th>
              <Th>Created</Th>
              <Th>Last used</Th>
              <Th className="text-right">Actions</Th>
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => (
              <tr key={k.id}>
                <Td label="Name" className="font-medium">
                  {k.name}
                </Td>
                <Td label="Key" className="font-mono text-xs">
                  {k.prefix}…
                </Td>
                <Td label="Created">
                  <LocalTime value={k.createdAt} />
                </Td>
                <Td label="Last used">
                  <LocalTime value={k.lastUsedAt} fallback="Never" />
                </Td>
                <Td actions className="text-right">
                  {k.revokedAt ? (
                    <Badge tone="red">Revoked</Badge>
                  ) : (
                    <ConfirmDialog
                      trigger={
                        <Button variant="ghost" size="sm" aria-label={`Revoke ${k.name}`}>
                          <Trash2 aria-hidden className="size-4" /> Revoke
                        </Button>
                      }
                      title={`Revoke the key “${k.name}”?`}
                      description="Every system that calls the API with this key is refused from now on. A revoked key cannot be restored; create a new one instead."
                      confirmLabel="Revoke"
                      tone="danger"
                      onConfirm={async () => {
                        const result = await revokeApiKeyAction({ id: k.id });
                        return result.ok ? null : result.error;
                      }}
                    />
                  )}
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </Card>
  );
}
