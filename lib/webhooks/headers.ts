import type { AuthConfig, FieldRow } from "@/lib/validation/integration-fields";

import type { HttpMethod } from "./types";

/** RFC 9110 token characters: what a header name may contain. */
export const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Headers the platform sets itself; custom headers may not override them. */
export const RESERVED_HEADERS = [
  "content-type",
  "content-length",
  "host",
  "connection",
  "transfer-encoding",
  "user-agent",
  "webhook-id",
  "webhook-timestamp",
  "webhook-signature",
] as const;

/** GET and DELETE send no body: the Body tab's fields go into the query string instead. */
export const sendsBody = (method: HttpMethod) => method !== "GET" && method !== "DELETE";

/** The default headers the Headers tab shows as read-only rows (none without a body). */
export function defaultHeaders(method: HttpMethod): { key: string; value: string }[] {
  return sendsBody(method)
    ? [
        { key: "Content-Type", value: "application/json" },
        { key: "Content-Length", value: "computed when sent" },
      ]
    : [];
}

export const USER_AGENT = "CustomWebhook/1.0 (+https://github.com/standard-webhooks)";

/** The header the Auth tab writes, if any, so a custom header cannot silently replace it. */
export function authHeaderName(auth: AuthConfig): string | null {
  if (auth.type === "BASIC" || auth.type === "BEARER") return "authorization";
  if (auth.type === "API_KEY" && auth.placement === "HEADER") return auth.keyName.toLowerCase();
  return null;
}

/** Per-row problems with custom headers: invalid names, reserved or duplicated names, line breaks in values. */
export function headerRowErrors(rows: FieldRow[], auth: AuthConfig): Record<number, string> {
  const errors: Record<number, string> = {};
  const seen = new Map<string, number>();
  const fromAuth = authHeaderName(auth);
  rows.forEach((row, i) => {
    const name = row.key.trim().toLowerCase();
    if (!HEADER_NAME.test(row.key.trim())) {
      errors[i] = "A header name may only use letters, digits and ! # $ % & ' * + - . ^ _ ` | ~ (no spaces)";
    } else if ((RESERVED_HEADERS as readonly string[]).includes(name)) {
      errors[i] = `${row.key} is set by the platform and cannot be overridden`;
    } else if (name === fromAuth) {
      errors[i] = `${row.key} is set by the Auth tab`;
    } else if (seen.has(name)) {
      errors[i] = `${row.key} is already set in another row`;
    } else if (/[\r\n]/.test(row.value)) {
      errors[i] = "A header value cannot contain line breaks";
    }
    seen.set(name, i);
  });
  return errors;
}
