import { z } from "zod";

import { buildBody } from "@/lib/webhooks/body";
import { HEADER_NAME, headerRowErrors, RESERVED_HEADERS } from "@/lib/webhooks/headers";
import { MAX_RATE_PER_SECOND } from "@/lib/webhooks/pace";
import { joinUrl, splitUrl } from "@/lib/webhooks/url";

import { webhookUrlSchema, type WebhookUrlOptions } from "./webhook-url";
import {
  authTypeSchema,
  eventVariableNames,
  fieldRowSchema,
  type AuthConfig,
  type AuthType,
  type FieldRow,
} from "./integration-fields";

// The Custom Webhook wizard's one schema: react-hook-form checks it in the browser, and the data layer
// parses the same values with it on save (lib/data/integrations.ts), so both give the same messages.

export const HTTP_METHODS = ["POST", "GET", "PUT", "DELETE"] as const;
export const ALIAS_MAX_LENGTH = 80;
export const MAX_ROWS = 50;
export const MAX_CONNECTIONS = 100;

export const AUTH_TYPE_LABEL: Record<AuthType, string> = {
  NONE: "No Authentication",
  API_KEY: "API Key",
  BASIC: "Basic",
  BEARER: "Bearer Token",
};

/** What the one secret of each auth type is called, for labels and messages. */
export const AUTH_SECRET_LABEL: Record<Exclude<AuthType, "NONE">, string> = {
  API_KEY: "Value",
  BASIC: "Password",
  BEARER: "Token",
};

export const API_KEY_PLACEMENT_LABEL = { HEADER: "Header", QUERY: "Query string" } as const;

/** The Body tab's predefined fields (spec: chatId, contact, event, text, multimedia.url, multimedia.caption). */
export const DEFAULT_BODY_ROWS: FieldRow[] = [
  { key: "chatId", value: "chatId", type: "VARIABLE" },
  { key: "contact", value: "contact", type: "VARIABLE" },
  { key: "event", value: "event", type: "VARIABLE" },
  { key: "text", value: "text", type: "VARIABLE" },
  { key: "multimedia.url", value: "multimediaUrl", type: "VARIABLE" },
  { key: "multimedia.caption", value: "multimediaCaption", type: "VARIABLE" },
];

export interface IntegrationSchemaOptions extends WebhookUrlOptions {
  /**
   * On Edit: the auth type whose secret is already stored. An empty secret field of that same type
   * keeps the stored secret; any other type needs its secret typed. (Default: null, nothing stored)
   */
  storedAuthType?: AuthType | null;
}

const rows = z.array(fieldRowSchema).max(MAX_ROWS, `At most ${MAX_ROWS} rows`);

// The Auth tab keeps every type's inputs, so switching the Type back and forth loses nothing typed.
const authFormSchema = z.object({
  type: authTypeSchema,
  keyName: z.string().trim().max(200, "At most 200 characters"),
  placement: z.enum(["HEADER", "QUERY"]),
  username: z.string().trim().max(200, "At most 200 characters"),
  /** The API key value, password or token; empty on Edit means "keep the stored one". */
  secret: z.string().max(4000, "At most 4000 characters"),
});
export type AuthFormValues = z.input<typeof authFormSchema>;

/** The stored, non-secret part of the Auth tab (integrations.auth). */
export function authConfigFromForm(auth: AuthFormValues): AuthConfig {
  switch (auth.type) {
    case "API_KEY":
      return { type: "API_KEY", keyName: auth.keyName.trim(), placement: auth.placement };
    case "BASIC":
      return { type: "BASIC", username: auth.username.trim() };
    case "BEARER":
      return { type: "BEARER" };
    default:
      return { type: "NONE" };
  }
}

const variableNames = new Set<string>(eventVariableNames);

// Advanced: the endpoint's maximum delivery rate, typed as text (empty: unlimited).
const maxRateSchema = z
  .string()
  .trim()
  .refine((typed) => typed === "" || /^\d+$/.test(typed), "Enter a whole number of requests per second")
  .transform((typed) => (typed === "" ? null : Number(typed)))
  .refine(
    (rate) => rate === null || (rate >= 1 && rate <= MAX_RATE_PER_SECOND),
    `Enter a rate from 1 to ${MAX_RATE_PER_SECOND.toLocaleString("en")} requests per second, or leave it empty for no limit`,
  );

/** The wizard's schema. Output: what the data layer stores (URL without query, AuthConfig, secret). */
export function integrationSchema({
  allowInsecureUrls = false,
  storedAuthType = null,
}: IntegrationSchemaOptions = {}) {
  return z
    .object({
      alias: z
        .string()
        .trim()
        .min(1, "Enter an alias to identify the Custom Webhook")
        .max(ALIAS_MAX_LENGTH, `At most ${ALIAS_MAX_LENGTH} characters`),
      method: z.enum(HTTP_METHODS, { error: "Choose POST, GET, PUT or DELETE" }),
      url: webhookUrlSchema({ allowInsecureUrls }),
      params: rows,
      headers: rows,
      body: rows,
      auth: authFormSchema,
      connectionIds: z.array(z.uuid()).max(MAX_CONNECTIONS, `At most ${MAX_CONNECTIONS} connections`),
      maxRatePerSecond: maxRateSchema,
    })
    .superRefine((values, ctx) => {
      const issue = (path: (string | number)[], message: string) =>
        ctx.addIssue({ code: "custom", path, message });

      for (const tab of ["params", "headers", "body"] as const) {
        values[tab].forEach((row, i) => {
          if (row.type === "VARIABLE" && !variableNames.has(row.value))
            issue([tab, i, "value"], "Choose one of the event variables");
        });
      }

      const auth = authConfigFromForm(values.auth);
      for (const [i, message] of Object.entries(headerRowErrors(values.headers, auth)))
        issue(["headers", Number(i), "key"], message);
      for (const [i, message] of Object.entries(buildBody(values.body, null).errors))
        issue(["body", Number(i), "key"], message);

      const { type, keyName, placement, username, secret } = values.auth;
      if (type === "API_KEY") {
        if (keyName === "") issue(["auth", "keyName"], "Enter the key name, like X-API-Key");
        else if (placement === "HEADER" && !HEADER_NAME.test(keyName))
          issue(
            ["auth", "keyName"],
            "A header name may only use letters, digits and ! # $ % & ' * + - . ^ _ ` | ~",
          );
        else if (
          placement === "HEADER" &&
          (RESERVED_HEADERS as readonly string[]).includes(keyName.toLowerCase())
        )
          issue(["auth", "keyName"], `${keyName} is set by the platform; choose another header name`);
      }
      if (type === "BASIC") {
        if (username === "") issue(["auth", "username"], "Enter the username");
        else if (username.includes(":")) issue(["auth", "username"], "A Basic username cannot contain “:”");
      }
      if (type !== "NONE" && secret === "" && storedAuthType !== type)
        issue(["auth", "secret"], `Enter the ${AUTH_SECRET_LABEL[type].toLowerCase()}`);
      if (/[\r\n]/.test(secret)) issue(["auth", "secret"], "The secret cannot contain line breaks");

      if (new Set(values.connectionIds).size !== values.connectionIds.length)
        issue(["connectionIds"], "A connection is listed twice");
    })
    .transform((values) => ({
      alias: values.alias,
      method: values.method,
      // The query string lives in the Params rows; the stored URL is scheme, host and path.
      url: splitUrl(values.url.trim()).base,
      params: values.params,
      headers: values.headers,
      body: values.body,
      auth: authConfigFromForm(values.auth),
      /** undefined: keep the stored secret (or none, for No Authentication). */
      authSecret: values.auth.type === "NONE" || values.auth.secret === "" ? undefined : values.auth.secret,
      connectionIds: values.connectionIds,
      /** Requests per second at most; null: unlimited. */
      maxRatePerSecond: values.maxRatePerSecond,
    }));
}

export type IntegrationFormValues = z.input<ReturnType<typeof integrationSchema>>;
export type IntegrationInput = z.output<ReturnType<typeof integrationSchema>>;

/** What a saved integration looks like to the wizard (no secrets). */
export interface StoredIntegrationConfig {
  alias: string;
  method: (typeof HTTP_METHODS)[number];
  url: string;
  params: FieldRow[];
  headers: FieldRow[];
  body: FieldRow[];
  auth: AuthConfig;
  connectionIds: string[];
  maxRatePerSecond: number | null;
}

/** The wizard's starting values: a blank Custom Webhook, or a saved one for Edit (secret fields empty). */
export function integrationFormValues(stored?: StoredIntegrationConfig): IntegrationFormValues {
  if (!stored) {
    return {
      alias: "",
      method: "POST",
      url: "",
      params: [],
      headers: [],
      body: DEFAULT_BODY_ROWS.map((row) => ({ ...row })),
      auth: { type: "NONE", keyName: "", placement: "HEADER", username: "", secret: "" },
      connectionIds: [],
      maxRatePerSecond: "",
    };
  }
  const { auth } = stored;
  return {
    alias: stored.alias,
    method: stored.method,
    url: joinUrl(stored.url, stored.params),
    params: stored.params,
    headers: stored.headers,
    body: stored.body,
    auth: {
      type: auth.type,
      keyName: auth.type === "API_KEY" ? auth.keyName : "",
      placement: auth.type === "API_KEY" ? auth.placement : "HEADER",
      username: auth.type === "BASIC" ? auth.username : "",
      secret: "",
    },
    connectionIds: stored.connectionIds,
    maxRatePerSecond: stored.maxRatePerSecond === null ? "" : String(stored.maxRatePerSecond),
  };
}
