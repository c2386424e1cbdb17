import { maskSecret } from "@/lib/crypto/mask";

import { buildBody, rowValue } from "./body";
import { sendsBody, USER_AGENT } from "./headers";
import type { BuiltRequest, EventVariables, RequestCredentials, WebhookConfig } from "./types";
import { buildUrl, paramPairs } from "./url";

// This module runs in the browser too (the wizard's live preview): no Node-only imports here.

export interface BuildOptions {
  /** Unix seconds for `webhook-timestamp` (Default: now). */
  timestamp?: number;
  /** Replace secrets with masked text, for previews and attempt logs (Default: false). */
  mask?: boolean;
}

const MASKED_SIGNATURE = "v1,••••••••";

const base64 = (text: string) =>
  btoa(Array.from(new TextEncoder().encode(text), (b) => String.fromCharCode(b)).join(""));

/**
 * The exact HTTP request an event produces for an integration: method, URL with Params (and, for GET
 * and DELETE, the Body fields), Auth, default and custom headers, JSON body, Standard Webhooks headers.
 * The wizard's preview and the delivery worker both call this, so they cannot disagree.
 */
export function buildRequest(
  config: WebhookConfig,
  vars: EventVariables,
  credentials: RequestCredentials,
  { timestamp = Math.floor(Date.now() / 1000), mask = false }: BuildOptions = {},
): BuiltRequest {
  const secret = credentials.authSecret ?? "";
  const shown = (value: string) => (mask ? maskSecret(value) : value);
  const pairs = paramPairs(config.params, vars);
  const headers: Record<string, string> = { "user-agent": USER_AGENT };

  const auth = config.auth;
  if (auth.type === "API_KEY" && auth.placement === "QUERY") pairs.push([auth.keyName, shown(secret)]);
  if (auth.type === "API_KEY" && auth.placement === "HEADER")
    headers[auth.keyName.toLowerCase()] = shown(secret);
  if (auth.type === "BASIC") headers.authorization = `Basic ${shown(base64(`${auth.username}:${secret}`))}`;
  if (auth.type === "BEARER") headers.authorization = `Bearer ${shown(secret)}`;

  for (const row of config.headers) headers[row.key.trim().toLowerCase()] = rowValue(row, vars) ?? "";

  let body: string | null = null;
  if (sendsBody(config.method)) {
    body = JSON.stringify(buildBody(config.body, vars).body);
    headers["content-type"] = "application/json";
  } else {
    for (const row of config.body) pairs.push([row.key, rowValue(row, vars) ?? ""]);
  }

  const id = vars.deliveryId ?? "";
  headers["webhook-id"] = id;
  headers["webhook-timestamp"] = String(timestamp);
  if (mask) headers["webhook-signature"] = MASKED_SIGNATURE;
  else if (credentials.sign) headers["webhook-signature"] = credentials.sign(id, timestamp, body ?? "");
  else throw new Error("buildRequest needs a signer unless the request is masked");

  return { method: config.method, url: buildUrl(config.url, pairs), headers, body };
}

/** The request as a shell command, for the preview's Copy as curl. */
export function toCurl(request: BuiltRequest): string {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const parts = [`curl -X ${request.method} ${quote(request.url)}`];
  for (const [name, value] of Object.entries(request.headers)) parts.push(`-H ${quote(`${name}: ${value}`)}`);
  if (request.body !== null) parts.push(`--data ${quote(request.body)}`);
  return parts.join(" \\\n  ");
}
