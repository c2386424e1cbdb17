"use client";

import { useRouter } from "next/navigation";
import { Controller } from "react-hook-form";

import { createCampaignAction, updateCampaignAction } from "@/app/(app)/campaigns/actions";
import { useActionForm } from "@/components/forms/use-action-form";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { CheckboxGroup } from "@/components/ui/checkbox-group";
import { cn } from "@/components/ui/cn";
import { Field, FormMessage } from "@/components/ui/field";
import { Input, Select, Textarea } from "@/components/ui/input";
import { CAMPAIGN_TYPE_LABEL, campaignInputSchema, type CampaignInput } from "@/lib/validation/campaign";

interface Choice {
  id: string;
  unavailableReason: string | null;
}

interface Props {
  connections: (Choice & { label: string })[];
  integrations: (Choice & { alias: string })[];
  /** Editing a saved campaign (its type stays); without it the form creates one. */
  campaign?: { id: string; values: CampaignInput };
}

const NEW_CAMPAIGN = {
  type: "KEYWORD",
  name: "",
  connectionIds: [],
  keyword: "",
  autoReply: "",
  integrationId: "",
} as CampaignInput;

/** New campaign and Edit campaign: one form, checked by the same schema as the server. */
export function CampaignForm({ connections, integrations, campaign }: Props) {
  const router = useRouter();
  const { form, submit, formError } = useActionForm(
    campaignInputSchema,
    (values) =>
      campaign ? updateCampaignAction({ ...values, id: campaign.id }) : createCampaignAction(values),
    {
      defaultValues: { ...NEW_CAMPAIGN, ...campaign?.values },
      onSuccess: ({ id }) => router.push(`/campaigns/${id}`),
    },
  );
  const { isSubmitting } = form.formState;
  // Errors of either variant of the union, by field name.
  const errors = form.formState.errors as Partial<Record<string, { message?: string }>>;
  const type = form.watch("type");
  const unavailableIntegrations = integrations.filter((i) => i.unavailableReason);

  return (
    <form onSubmit={submit} noValidate className="grid max-w-3xl gap-6">
      {formError && <FormMessage>{formError}</FormMessage>}
      <Card className="grid gap-5 p-5">
        {campaign ? (
          <p className="text-sm">
            <span className="font-medium text-slate-700">Type</span>{" "}
            <span className="text-slate-900">{CAMPAIGN_TYPE_LABEL[type]}</span>
          </p>
        ) : (
          <fieldset>
            <legend className="mb-2 text-sm font-medium text-slate-700">Type</legend>
            <div className="grid gap-3 sm:grid-cols-2">
              {(["KEYWORD", "CHATBOT"] as const).map((value) => (
                <label
                  key={value}
                  className={cn(
                    "flex cursor-pointer gap-3 rounded-md border p-3 text-sm",
                    type === value ? "border-brand-600 bg-brand-50" : "border-slate-300 bg-white",
                  )}
                >
                  <input type="radio" value={value} {...form.register("type")} className="mt-1" />
                  <span>
                    <span className="font-medium">{CAMPAIGN_TYPE_LABEL[value]}</span>
                    <span className="block text-slate-600">
                      {value === "KEYWORD"
                        ? "Answers messages that start with a keyword with an auto-reply."
                        : "Delivers its chats to a Custom Webhook; your systems reply through the API."}
                    </span>
                  </span>
                </label>
              ))}
            </div>
          </fieldset>
        )}
        <Field label="Name" error={errors.name?.message}>
          <Input {...form.register("name")} />
        </Field>
        <Controller
          control={form.control}
          name="connectionIds"
          render={({ field }) => (
            <CheckboxGroup
              legend="Connections"
              options={connections.map((c) => ({
                value: c.id,
                label: c.label,
                unavailableReason: c.unavailableReason,
              }))}
              value={field.value}
              onChange={field.onChange}
              onBlur={field.onBlur}
              error={errors.connectionIds?.message}
              empty="Add a connection under Connections first."
            />
          )}
        />
      </Card>

      {type === "KEYWORD" ? (
        <Card className="grid gap-5 p-5">
          <h2 className="text-base font-semibold">Keyword</h2>
          <Field
            label="Keyword"
            hint="Matched at the start of a message, in any letter case."
            error={errors.keyword?.message}
          >
            <Input className="max-w-xs font-mono" {...form.register("keyword")} />
          </Field>
          <Field label="Auto-reply" error={errors.autoReply?.message}>
            <Textarea rows={3} {...form.register("autoReply")} />
          </Field>
        </Card>
      ) : (
        <Card className="grid gap-4 p-5">
          <h2 className="text-base font-semibold">Custom Webhook</h2>
          <Field
            label="Custom Webhook integration"
            hint="Only Active integrations without connections can serve a Chatbot Service campaign."
            error={errors.integrationId?.message}
          >
            <Select {...form.register("integrationId")}>
              <option value="">Select an integration…</option>
              {integrations
                .filter((i) => !i.unavailableReason)
                .map((i) => (
                  <option key={i.id} value={i.id}>
                    {i.alias}
                  </option>
                ))}
            </Select>
          </Field>
          {unavailableIntegrations.length > 0 && (
            <div className="text-sm text-slate-600">
              <p className="font-medium">Not offered:</p>
              <ul className="mt-1 list-disc pl-5">
                {unavailableIntegrations.map((i) => (
                  <li key={i.id}>
                    {i.alias} — {i.unavailableReason}
                  </li>
                ))}
              </ul>
            </div>
          )}
        </Card>
      )}
      <div className="flex gap-2">
        <Button type="submit" disabled={isSubmitting}>
          {isSubmitting ? "Saving…" : "Save"}
        </Button>
        <Button
          variant="secondary"
          onClick={() => router.push(campaign ? `/campaigns/${campaign.id}` : "/campaigns")}
        >
          Cancel
        </Button>
      </div>
    </form>
  );
}
