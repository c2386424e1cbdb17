import { authConfigFromForm, type IntegrationFormValues } from "@/lib/validation/integration";
import { webhookUrlSchema, type WebhookUrlOptions } from "@/lib/validation/webhook-url";

import { buildBody } from "./body";
import { buildRequest, toCurl } from "./build-request";
import { headerRowErrors } from "./headers";
import { sampleEvent } from "./sample-event";
import type { BuiltRequest, EventVariables } from "./types";
import { splitUrl } from "./url";

// Browser-safe: the wizard's live preview runs this on every keystroke.

export interface PreviewOptions extends WebhookUrlOptions {
  /** The saved integration's id, or null while it is new (a placeholder id is shown). */
  integrationId: string | null;
  /** The first chosen connection, so channel and connection code look real. (Default: a sample SMS number) */
  connection?: { channel: EventVariables["channel"]; code: string } | null;
  /** Unix seconds for the sample event and `webhook-timestamp`. */
  timestamp: number;
  /** Shown when the secret field is empty on Edit (the stored secret is kept); already masked. */
  storedSecret?: string;
}

export type Preview =
  | {
      ok: true;
      request: BuiltRequest;
      curl: string;
      /** Rows left out because the form shows an error on them (they cannot be saved as they are). */
      skippedRows: number;
    }
  | { ok: false; message: string };

/**
 * The request a sample MESSAGE event would produce with the wizard's current values, secrets masked —
 * built by the same buildRequest the delivery engine uses. Half-typed rows (no key yet, or an error
 * the form is showing) are left out rather than breaking the preview; a URL the form refuses (by the
 * same schema) shows no request, with the form's message.
 */
export function previewRequest(values: IntegrationFormValues, options: PreviewOptions): Preview {
  const url = webhookUrlSchema(options).safeParse(values.url);
  if (!url.success) return { ok: false, message: url.error.issues[0]!.message };
  const auth = authConfigFromForm(values.auth);
  const params = values.params.filter((row) => row.key.trim() !== "");
  const withKeys = values.headers.filter((row) => row.key.trim() !== "");
  const headerErrors = headerRowErrors(withKeys, auth);
  const headers = withKeys.filter((_, i) => !(i in headerErrors));
  const body = values.body.filter((row) => row.key.trim() !== "");
  const vars = sampleEvent({
    alias: values.alias.trim() || "My webhook",
    timestamp: new Date(options.timestamp * 1000).toISOString(),
    ...(options.integrationId ? { integrationId: options.integrationId } : {}),
    ...(options.connection
      ? { channel: options.connection.channel, connectionCode: options.connection.code }
      : {}),
  });

  let request: BuiltRequest;
  try {
    request = buildRequest(
      { method: values.method, url: splitUrl(values.url.trim()).base, params, headers, body, auth },
      vars,
      { authSecret: values.auth.secret || options.storedSecret || null },
      { timestamp: options.timestamp, mask: true },
    );
  } catch {
    return { ok: false, message: "The request cannot be built from these values yet." };
  }
  // buildRequest leaves out the body rows the Body tab marks as errors; say how many rows are missing.
  const bodyErrors = Object.keys(buildBody(body, null).errors).length;
  return {
    ok: true,
    request,
    curl: toCurl(request),
    skippedRows: Object.keys(headerErrors).length + bodyErrors,
  };
}
