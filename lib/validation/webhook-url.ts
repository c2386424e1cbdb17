import { z } from "zod";

import { splitUrl } from "@/lib/webhooks/url";

// The one rule for a Custom Webhook's URL. The wizard's form, its live request preview and the save
// action (through the integration schema) all check with it, so they cannot disagree; the browser gets
// the server's WEBHOOK_ALLOW_INSECURE_URLS from the page.

export const WEBHOOK_URL_MAX_LENGTH = 2000;

export interface WebhookUrlOptions {
  /** Accept plain http:// URLs (the WEBHOOK_ALLOW_INSECURE_URLS setting). (Default: false) */
  allowInsecureUrls?: boolean;
}

/** What is wrong with the URL as typed in the URL box (its part before `?`), or null when it is fine. */
function webhookUrlProblem(typed: string, { allowInsecureUrls = false }: WebhookUrlOptions = {}) {
  const example = allowInsecureUrls ? "https:// or http://" : "https://";
  const base = splitUrl(typed.trim()).base;
  if (base === "") return "Enter the URL of your endpoint, like https://your-domain/your-path";
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    return "Enter an absolute URL, like https://your-domain/your-path";
  }
  if (url.protocol === "http:" && !allowInsecureUrls)
    return "Use https:// — plain http:// is not allowed here";
  if (url.protocol !== "https:" && url.protocol !== "http:") return `The URL must start with ${example}`;
  if (url.username || url.password) return "Put credentials in the Auth tab, not in the URL";
  if (base.length > WEBHOOK_URL_MAX_LENGTH)
    return `The URL is too long (at most ${WEBHOOK_URL_MAX_LENGTH} characters)`;
  return null;
}

/** The URL box's schema: the text as typed (a query string is allowed: it fills the Params tab). */
export function webhookUrlSchema(options: WebhookUrlOptions = {}) {
  return z.string().superRefine((typed, ctx) => {
    const problem = webhookUrlProblem(typed, options);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
}
