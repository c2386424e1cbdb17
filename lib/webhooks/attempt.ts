import { decryptSecret } from "@/lib/crypto/secrets";

import { buildRequest } from "./build-request";
import type { IntegrationForDelivery } from "./claim";
import { eventVariables, type EventPayload } from "./event";
import { judge, type Verdict } from "./retry";
import { sendRequest, type AttemptErrorClass, type SendOptions, type SendResult } from "./send";
import { signatureHeader } from "./sign";
import type { BuiltRequest } from "./types";

/** What an attempt sent and got back, as stored in delivery_attempts (secrets masked). */
export interface AttemptRecord {
  startedAt: Date;
  durationMs: number;
  request: BuiltRequest;
  responseStatus: number | null;
  responseHeaders: Record<string, string> | null;
  responseBody: string | null;
  errorClass: AttemptErrorClass | null;
  errorMessage: string | null;
}

// Decrypting is cheap but not free; the same few secrets come back for every delivery of a busy
// integration. Keyed by the ciphertext, so a changed secret is simply a new entry.
const decrypted = new Map<string, string>();
function decryptCached(stored: string): string {
  let plain = decrypted.get(stored);
  if (plain === undefined) {
    if (decrypted.size > 1000) decrypted.clear();
    plain = decryptSecret(stored);
    decrypted.set(stored, plain);
  }
  return plain;
}

/** The signing secrets in force: the current one, plus the previous one during a rotation. */
export function signingSecrets(integration: IntegrationForDelivery, now = new Date()): string[] {
  const secrets = [decryptCached(integration.signingSecret)];
  const previous = integration.previousSigningSecret;
  const until = integration.previousSigningSecretExpiresAt;
  if (previous && until && until > now) secrets.push(decryptCached(previous));
  return secrets;
}

/**
 * Makes one attempt: builds the request from the integration's current configuration (the shared
 * builder, signed with the secrets in force), sends it, and judges the result. Never throws.
 */
export async function attempt(
  delivery: { id: string; payload: EventPayload },
  integration: IntegrationForDelivery,
  send: SendOptions,
): Promise<{ record: AttemptRecord; verdict: Verdict }> {
  const startedAt = new Date();
  const timestamp = Math.floor(startedAt.getTime() / 1000);
  const vars = eventVariables(delivery.payload, delivery.id);
  let real: BuiltRequest;
  let masked: BuiltRequest;
  try {
    const authSecret = integration.authSecret ? decryptCached(integration.authSecret) : null;
    const secrets = signingSecrets(integration, startedAt);
    const sign = (id: string, ts: number, body: string) => signatureHeader(secrets, id, ts, body);
    real = buildRequest(integration, vars, { authSecret, sign }, { timestamp });
    // The log gets the same request with every secret masked.
    masked = buildRequest(integration, vars, { authSecret }, { timestamp, mask: true });
  } catch (err) {
    const message = `Could not build the request: ${err instanceof Error ? err.message : String(err)}`;
    const request = { method: integration.method, url: integration.url, headers: {}, body: null };
    return {
      record: {
        startedAt,
        durationMs: 0,
        request,
        responseStatus: null,
        responseHeaders: null,
        responseBody: null,
        errorClass: "BUILD",
        errorMessage: message,
      },
      verdict: { kind: "FAILED", errorClass: "BUILD", message },
    };
  }
  const result: SendResult = await sendRequest(real, send);
  const verdict = judge(result);
  return {
    record: {
      startedAt,
      durationMs: result.durationMs,
      request: masked,
      responseStatus: result.status,
      responseHeaders: result.headers,
      responseBody: result.body,
      errorClass: verdict.kind === "SUCCEEDED" ? null : verdict.errorClass,
      errorMessage: verdict.kind === "SUCCEEDED" ? null : verdict.message,
    },
    verdict,
  };
}
