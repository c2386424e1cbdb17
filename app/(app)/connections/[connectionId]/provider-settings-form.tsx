"use client";

import { TriangleAlert } from "lucide-react";
import { useState } from "react";
import { useWatch } from "react-hook-form";

import { useActionForm } from "@/components/forms/use-action-form";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { CopyButton } from "@/components/ui/copy-button";
import { Field, FieldError, FormMessage } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import {
  inboundWebhookPath,
  PROVIDER_LABEL,
  PROVIDERS_FOR_CHANNEL,
  type Provider,
} from "@/lib/channels/providers";
import type { ConnectionSettings } from "@/lib/data/connections";
import {
  CREDENTIAL_LABEL,
  providerSettingsInputSchema,
  type ProviderSettingsInput,
  type ProviderSettingsView,
  type SecretField,
} from "@/lib/validation/channel-credentials";

import { saveProviderSettingsAction } from "../actions";

const DESCRIPTION: Record<Provider, string> = {
  SIMULATOR:
    "Messages typed in the portal's simulator; replies are recorded and nothing leaves the platform.",
  TWILIO: "SMS through Twilio Programmable Messaging, with your Twilio account.",
  WHATSAPP_CLOUD: "WhatsApp through Meta's WhatsApp Cloud API, with your Meta app.",
};

// The form starts from what is saved: identifiers filled in, secrets blank (blank keeps them).
function formValues(view: ProviderSettingsView): ProviderSettingsInput {
  return {
    provider: view.provider,
    accountSid: view.provider === "TWILIO" ? view.accountSid : "",
    authToken: "",
    webhookUrl: view.provider === "TWILIO" ? (view.webhookUrl ?? "") : "",
    phoneNumberId: view.provider === "WHATSAPP_CLOUD" ? view.phoneNumberId : "",
    accessToken: "",
    appSecret: "",
    verifyToken: "",
  };
}

export function ProviderSettingsForm({
  connection,
  origin,
  unreachable,
}: {
  connection: ConnectionSettings;
  origin: string;
  /** Why providers cannot call `origin` (plain http, localhost), shown as a warning; null when they can. */
  unreachable: string | null;
}) {
  const [saved, setSaved] = useState<ProviderSettingsView>(connection.settings);
  const [savedMessage, setSavedMessage] = useState<string | null>(null);
  const { form, submit, formError } = useActionForm(
    providerSettingsInputSchema,
    (values) => saveProviderSettingsAction({ ...values, connectionId: connection.id }),
    {
      defaultValues: formValues(connection.settings),
      onSuccess: (view) => {
        setSaved(view);
        form.reset(formValues(view));
        setSavedMessage(`Saved. ${PROVIDER_LABEL[view.provider]} now carries this connection.`);
      },
    },
  );
  const { errors, isSubmitting } = form.formState;
  const provider = useWatch({ control: form.control, name: "provider" });
  const providers = PROVIDERS_FOR_CHANNEL[connection.channel];

  // A saved secret shows masked as the placeholder; typing replaces it, leaving it blank keeps it.
  const maskedSecret = (field: SecretField) =>
    saved.provider === provider ? ((saved as Record<string, string | null>)[field] ?? "") : "";
  const secret = (field: SecretField) => (
    <Field
      label={CREDENTIAL_LABEL[field]}
      error={errors[field]?.message}
      hint={maskedSecret(field) ? "Saved. Leave blank to keep it, or type a new one." : undefined}
    >
      <Input
        type="password"
        autoComplete="new-password"
        spellCheck={false}
        placeholder={maskedSecret(field)}
        className="font-mono"
        {...form.register(field)}
      />
    </Field>
  );

  return (
    <div className="grid gap-6 lg:grid-cols-[1fr_24rem]">
      <Card className="p-5">
        <form
          onSubmit={(e) => {
            setSavedMessage(null);
            void submit(e);
          }}
          noValidate
          className="flex flex-col gap-5"
        >
          <fieldset>
            <legend className="mb-2 text-sm font-medium text-slate-700">Provider</legend>
            <div className="grid gap-2 sm:grid-cols-2">
              {providers.map((p) => (
                <label
                  key={p}
                  className={cn(
                    "flex cursor-pointer gap-3 rounded-md border p-3 text-sm",
                    provider === p ? "border-brand-600 bg-brand-50" : "border-slate-200 hover:bg-slate-50",
                  )}
                >
                  <input
                    type="radio"
                    value={p}
                    className="accent-brand-600 mt-0.5"
                    {...form.register("provider")}
                  />
                  <span>
                    <span className="block font-medium text-slate-900">{PROVIDER_LABEL[p]}</span>
                    <span className="block text-slate-600">{DESCRIPTION[p]}</span>
                  </span>
                </label>
              ))}
            </div>
            {errors.provider?.message && <FieldError>{errors.provider.message}</FieldError>}
          </fieldset>

          {provider === "TWILIO" && (
            <div className="grid gap-4">
              <Field
                label={CREDENTIAL_LABEL.accountSid}
                error={errors.accountSid?.message}
                hint="On your Twilio Console dashboard, under Account Info."
              >
                <Input
                  autoComplete="off"
                  spellCheck={false}
                  placeholder="AC…"
                  className="font-mono"
                  {...form.register("accountSid")}
                />
              </Field>
              {secret("authToken")}
              <Field
                label={`${CREDENTIAL_LABEL.webhookUrl} (optional)`}
                error={errors.webhookUrl?.message}
                hint="Only when a proxy changes the address Twilio calls: the exact URL configured in Twilio. Blank uses the URL shown beside."
              >
                <Input
                  type="url"
                  autoComplete="off"
                  spellCheck={false}
                  placeholder={`${origin}${inboundWebhookPath("TWILIO", connection.id)}`}
                  {...form.register("webhookUrl")}
                />
              </Field>
            </div>
          )}

          {provider === "WHATSAPP_CLOUD" && (
            <div className="grid gap-4">
              <Field
                label={CREDENTIAL_LABEL.phoneNumberId}
                error={errors.phoneNumberId?.message}
                hint="In the Meta App Dashboard, WhatsApp → API Setup, under the business number."
              >
                <Input
                  inputMode="numeric"
                  autoComplete="off"
                  className="font-mono"
                  {...form.register("phoneNumberId")}
                />
              </Field>
              {secret("accessToken")}
              {secret("appSecret")}
              {secret("verifyToken")}
            </div>
          )}

          {formError && <FormMessage>{formError}</FormMessage>}
          {savedMessage && <FormMessage tone="success">{savedMessage}</FormMessage>}
          <div>
            <Button type="submit" disabled={isSubmitting}>
              {isSubmitting ? "Saving…" : "Save"}
            </Button>
          </div>
        </form>
      </Card>

      <InboundUrlCard
        provider={provider}
        connectionId={connection.id}
        code={connection.code}
        origin={origin}
        unreachable={unreachable}
      />
    </div>
  );
}

function InboundUrlCard({
  provider,
  connectionId,
  code,
  origin,
  unreachable,
}: {
  provider: Provider;
  connectionId: string;
  code: string;
  origin: string;
  unreachable: string | null;
}) {
  const path = inboundWebhookPath(provider, connectionId);
  if (!path) {
    return (
      <Card className="h-fit p-5">
        <h2 className="mb-2 text-base font-semibold">Inbound messages</h2>
        <p className="text-sm text-slate-600">
          The simulator needs no setup: messages typed in the Chats simulator arrive on this connection, and
          replies appear there.
        </p>
      </Card>
    );
  }
  const url = `${origin}${path}`;
  return (
    <Card className="h-fit p-5">
      <h2 className="mb-2 text-base font-semibold">Inbound webhook URL</h2>
      <p className="mb-3 text-sm text-slate-600">
        Paste this URL into the {provider === "TWILIO" ? "Twilio Console" : "Meta App Dashboard"} so messages
        to {code} reach the platform.
      </p>
      {unreachable && (
        <p
          data-testid="unreachable-url-warning"
          className="mb-3 flex items-start gap-2 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
        >
          <TriangleAlert aria-hidden className="mt-0.5 size-4 shrink-0" />
          <span>
            Providers cannot call this URL: {unreachable}. Serve the portal on a public https address and set{" "}
            <code className="text-xs">AUTH_URL</code> to it (or <code className="text-xs">TRUST_PROXY</code>{" "}
            behind a proxy).
          </span>
        </p>
      )}
      <div className="mb-4 flex items-center gap-2">
        <code
          data-testid="inbound-webhook-url"
          className="min-w-0 flex-1 rounded bg-slate-100 px-2 py-1.5 font-mono text-xs break-all"
        >
          {url}
        </code>
        <CopyButton text={url} label="Copy URL" />
      </div>
      {provider === "TWILIO" ? (
        <ol className="list-decimal space-y-1 pl-5 text-sm text-slate-700">
          <li>In the Twilio Console, open Phone Numbers → Active numbers → {code}.</li>
          <li>
            Under Messaging Configuration, set <em>A message comes in</em> to Webhook, HTTP POST, with this
            URL.
          </li>
          <li>Save. Requests without a valid X-Twilio-Signature from your Auth Token are refused.</li>
        </ol>
      ) : (
        <ol className="list-decimal space-y-1 pl-5 text-sm text-slate-700">
          <li>In the Meta App Dashboard, open WhatsApp → Configuration → Webhook → Edit.</li>
          <li>Paste this URL as the Callback URL and enter the verify token saved here.</li>
          <li>Verify and save, then subscribe to the messages field.</li>
          <li>Requests are checked with your App secret (X-Hub-Signature-256).</li>
        </ol>
      )}
    </Card>
  );
}
