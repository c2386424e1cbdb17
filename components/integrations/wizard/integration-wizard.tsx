"use client";

import { useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMemo, useState, type FormEvent, type ReactNode } from "react";
import { FormProvider, useWatch, type FieldErrors, type Path } from "react-hook-form";

import { saveIntegrationAction } from "@/app/(app)/integrations/actions";
import { useActionForm } from "@/components/forms/use-action-form";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field, FormMessage } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import type { ConnectionChoice, IntegrationDetails } from "@/lib/data/integrations";
import {
  HTTP_METHODS,
  integrationFormValues,
  integrationSchema,
  type IntegrationFormValues,
} from "@/lib/validation/integration";
import { defaultHeaders } from "@/lib/webhooks/headers";
import { joinUrl, splitUrl } from "@/lib/webhooks/url";

import { INTEGRATIONS_QUERY_KEY } from "../query-keys";
import { AuthTab } from "./auth-tab";
import { ConnectionsSection } from "./connections-section";
import { FieldRowsTable } from "./field-rows-table";
import { RequestPreview } from "./request-preview";

const TABS = ["params", "auth", "headers", "body"] as const;
type Tab = (typeof TABS)[number];
const TAB_LABEL: Record<Tab, string> = { params: "Params", auth: "Auth", headers: "Headers", body: "Body" };

export interface IntegrationWizardProps {
  /** The saved integration on Edit (secrets masked), or null for a new one. */
  integration: IntegrationDetails | null;
  /** Every connection of the account, with why it cannot be chosen where that applies. */
  choices: ConnectionChoice[];
  /** The server's WEBHOOK_ALLOW_INSECURE_URLS, so the browser checks URLs as the server will. */
  allowInsecureUrls: boolean;
  canRevealSecrets: boolean;
}

/** The path of the first error under `prefix`, so the wizard can focus it after opening its tab. */
function firstErrorPath(errors: FieldErrors, prefix: string): string | null {
  const node = (errors as Record<string, unknown>)[prefix];
  const walk = (value: unknown, path: string): string | null => {
    if (!value || typeof value !== "object") return null;
    if ("message" in value && "type" in value) return path;
    for (const [key, child] of Object.entries(value)) {
      if (key === "ref" || key === "root") continue;
      const found = walk(child, `${path}.${key}`);
      if (found) return found;
    }
    return null;
  };
  return walk(node, prefix);
}

/**
 * The Custom Webhook wizard: Custom Webhook Information (Alias, Method, URL and the Params, Auth,
 * Headers and Body tabs), Connections, Save — checked by the shared zod schema here and on the server —
 * with the live request preview beside it.
 */
export function IntegrationWizard({
  integration,
  choices,
  allowInsecureUrls,
  canRevealSecrets,
}: IntegrationWizardProps) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const storedAuthType = integration?.authSecretMasked ? integration.auth.type : null;
  const schema = useMemo(
    () => integrationSchema({ allowInsecureUrls, storedAuthType }),
    [allowInsecureUrls, storedAuthType],
  );
  const { form, submit, formError } = useActionForm(
    schema,
    (values) => saveIntegrationAction({ id: integration?.id ?? null, values }),
    {
      defaultValues: integrationFormValues(integration ?? undefined),
      mode: "onSubmit",
      onSuccess: ({ id }) => {
        // The cards are read again from the server page rather than from a stale cache.
        queryClient.removeQueries({ queryKey: INTEGRATIONS_QUERY_KEY });
        router.push(`/integrations?saved=${id}`);
      },
    },
  );
  const [tab, setTab] = useState<Tab>("params");
  const method = useWatch({ control: form.control, name: "method" });
  const { errors, isSubmitting, isSubmitted, submitCount, isSubmitSuccessful } = form.formState;

  // Postman-style: the URL box and the Params table are two views of one thing.
  const revalidate = { shouldValidate: isSubmitted, shouldDirty: true };
  const urlFromParams = () => {
    const base = splitUrl(form.getValues("url")).base;
    form.setValue("url", joinUrl(base, form.getValues("params")), revalidate);
  };
  const paramsFromUrl = (typed: string) => form.setValue("params", splitUrl(typed).params, revalidate);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    await submit(event);
    // An error in a tab that is not open would go unseen: open the first tab with one and focus it.
    const current = form.formState.errors;
    if (current[tab]) return;
    const withError = TABS.find((t) => current[t]);
    if (!withError) return;
    setTab(withError);
    const path = firstErrorPath(current, withError);
    if (path) setTimeout(() => form.setFocus(path as Path<IntegrationFormValues>), 0);
  };

  // Advanced settings start open when one is set, so an Edit shows it.
  const [advancedOpen, setAdvancedOpen] = useState(Boolean(integration?.maxRatePerSecond));

  const tabNote = (children: ReactNode) => <p className="mb-3 text-sm text-slate-600">{children}</p>;

  return (
    <FormProvider {...form}>
      <form onSubmit={onSubmit} noValidate>
        {/*
          From 1280 px the preview sits beside the form and follows it down; narrower, it comes after
          the form's sections and before Save, so the request is seen before it is saved.
        */}
        <div className="grid gap-6 xl:grid-cols-[minmax(0,1fr)_25rem] xl:grid-rows-[auto_auto_1fr]">
          <Card className="p-4 sm:p-5">
            <h2 className="text-base font-semibold text-slate-900">Custom Webhook Information</h2>
            <p className="mt-1 mb-4 text-sm text-slate-600">
              Where and how each chat event is sent: your endpoint must accept the method below and a JSON
              body.
            </p>
            <div className="flex flex-col gap-4">
              <Field
                label="Alias"
                error={errors.alias?.message}
                hint="A name to identify this Custom Webhook."
              >
                <Input autoComplete="off" maxLength={200} {...form.register("alias")} />
              </Field>
              <div className="grid gap-3 sm:grid-cols-[8.5rem_minmax(0,1fr)]">
                <Field label="Method" error={errors.method?.message}>
                  <Select {...form.register("method")}>
                    {HTTP_METHODS.map((m) => (
                      <option key={m} value={m}>
                        {m}
                      </option>
                    ))}
                  </Select>
                </Field>
                <Field
                  label="URL"
                  error={errors.url?.message}
                  hint="Typing ?key=value here fills the Params tab, and editing Params rewrites the URL."
                >
                  <Input
                    inputMode="url"
                    autoComplete="off"
                    spellCheck={false}
                    placeholder="https://your-domain/your-path"
                    className="font-mono"
                    {...form.register("url", {
                      onChange: (e: { target: { value: string } }) => paramsFromUrl(e.target.value),
                    })}
                  />
                </Field>
              </div>
            </div>

            <Tabs value={tab} onValueChange={(v) => setTab(v as Tab)} className="mt-5">
              <TabsList aria-label="Custom Webhook request">
                {TABS.map((t) => (
                  <TabsTrigger key={t} value={t}>
                    {TAB_LABEL[t]}
                    {errors[t] && (
                      <>
                        <span aria-hidden className="size-1.5 rounded-full bg-red-600" />
                        <span className="sr-only">(has errors)</span>
                      </>
                    )}
                  </TabsTrigger>
                ))}
              </TabsList>
              {/* Panels stay mounted (hidden), so every tab's rows stay registered and validated. */}
              <TabsContent value="params" forceMount hidden={tab !== "params"}>
                {tabNote(
                  <>
                    Query parameters added to the URL. <strong>Text</strong> sends the value as typed;{" "}
                    <strong>Variable</strong> sends the event&apos;s value (shown as{" "}
                    <code className="text-xs">{"{{name}}"}</code> in the URL).
                  </>,
                )}
                <FieldRowsTable
                  name="params"
                  rowNoun="Param"
                  onRowsChange={urlFromParams}
                  empty="No query parameters."
                  keyPlaceholder="source"
                />
              </TabsContent>
              <TabsContent value="auth" forceMount hidden={tab !== "auth"}>
                <AuthTab integration={integration} canRevealSecrets={canRevealSecrets} />
              </TabsContent>
              <TabsContent value="headers" forceMount hidden={tab !== "headers"}>
                {tabNote(
                  <>
                    Default headers are set by the platform (GET and DELETE have no body, so no Content-Type).
                    Custom headers cannot replace them, the Auth header or the signing headers{" "}
                    <code className="text-xs">webhook-id</code>,{" "}
                    <code className="text-xs">webhook-timestamp</code>,{" "}
                    <code className="text-xs">webhook-signature</code>.
                  </>,
                )}
                <FieldRowsTable
                  name="headers"
                  rowNoun="Header"
                  readOnlyRows={defaultHeaders(method)}
                  empty="No custom headers."
                  keyPlaceholder="X-Tenant"
                />
              </TabsContent>
              <TabsContent value="body" forceMount hidden={tab !== "body"}>
                {tabNote(
                  <>
                    The JSON body. For nested fields use dot notation (
                    <code className="text-xs">customer.name</code>); for arrays use square brackets (
                    <code className="text-xs">tags[]</code>, <code className="text-xs">items[0].id</code>).
                    GET and DELETE send these fields in the query string.
                  </>,
                )}
                <FieldRowsTable
                  name="body"
                  rowNoun="Body field"
                  empty="No body fields: the body is an empty JSON object."
                  keyPlaceholder="customer.name"
                />
              </TabsContent>
            </Tabs>

            <details
              className="mt-5 rounded-md border border-slate-200"
              open={advancedOpen || Boolean(errors.maxRatePerSecond)}
              onToggle={(e) => setAdvancedOpen(e.currentTarget.open)}
            >
              <summary className="cursor-pointer px-3 py-2 text-sm font-medium text-slate-700">
                Advanced
              </summary>
              <div className="border-t border-slate-200 p-3">
                <Field
                  label="Maximum delivery rate (requests per second)"
                  error={errors.maxRatePerSecond?.message}
                  hint="Leave empty for no limit. All workers together send no faster than this; events wait their turn, in order."
                >
                  <Input
                    inputMode="numeric"
                    autoComplete="off"
                    placeholder="No limit"
                    className="sm:max-w-48"
                    {...form.register("maxRatePerSecond")}
                  />
                </Field>
              </div>
            </details>
          </Card>

          <ConnectionsSection choices={choices} />

          <div className="min-w-0 xl:col-start-2 xl:row-span-3 xl:row-start-1">
            <RequestPreview
              integration={integration}
              choices={choices}
              allowInsecureUrls={allowInsecureUrls}
            />
          </div>

          <div className="flex flex-col gap-2 self-start rounded-lg border border-slate-200 bg-white px-4 py-3 shadow-xs xl:col-start-1">
            {formError && <FormMessage>{formError}</FormMessage>}
            <div className="flex flex-wrap items-center justify-end gap-3">
              {submitCount > 0 && !isSubmitSuccessful && Object.keys(errors).length > 0 && !formError && (
                <p className="mr-auto text-sm font-medium text-red-700">
                  Fix the fields marked in red, then save.
                </p>
              )}
              <Button variant="secondary" asChild>
                <Link href="/integrations">Cancel</Link>
              </Button>
              <Button type="submit" disabled={isSubmitting}>
                {isSubmitting ? "Saving…" : "Save"}
              </Button>
            </div>
          </div>
        </div>
      </form>
    </FormProvider>
  );
}
