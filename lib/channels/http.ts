// What the real adapters share: calling a provider's REST API with a deadline, classifying failures,
// comparing signatures in constant time, and the replies they give provider webhooks.
import { timingSafeEqual } from "node:crypto";

import type { HttpReply, InboundMessage, InboundResult, OutboundMessage, SendFailure } from "./types";

/** How long a provider may take to accept a message before the send counts as timed out (Default: 15 s). */
export const SEND_TIMEOUT_MS = 15_000;

/** The provider's answer: status, headers and the body parsed as JSON when it is JSON. */
export interface ProviderResponse {
  status: number;
  headers: Headers;
  json: unknown;
  text: string;
}

/** Calls a provider; network failures and timeouts come back classified instead of thrown. */
export async function callProvider(
  url: string,
  init: RequestInit,
  timeoutMs = SEND_TIMEOUT_MS,
): Promise<{ ok: true; response: ProviderResponse } | { ok: false; error: SendFailure }> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, redirect: "error", signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const name = err instanceof Error ? err.name : "";
    if (name === "TimeoutError" || name === "AbortError") {
      return {
        ok: false,
        error: { reason: "TIMEOUT", retryable: true, message: `No answer within ${timeoutMs / 1000} s` },
      };
    }
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return {
      ok: false,
      error: {
        reason: "NETWORK",
        retryable: true,
        message: `Could not reach the provider: ${cause?.code ?? cause?.message ?? "network error"}`,
      },
    };
  }
  const text = await res.text().catch(() => "");
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON (a proxy's HTML error page, say): callers fall back to the status.
  }
  return { ok: true, response: { status: res.status, headers: res.headers, json, text } };
}

/** 429 and 5xx are worth retrying; any other 4xx will fail again the same way. */
export const isRetryableStatus = (status: number) => status === 429 || status >= 500;

/** Seconds from a `Retry-After` header (seconds or an HTTP date), if any. */
export function retryAfterSeconds(headers: Headers): number | undefined {
  const value = headers.get("retry-after");
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/** Compares two signatures without leaking, through timing, how much of them matched. */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Joins text and caption for providers that carry one text per message. */
export function combinedText(message: OutboundMessage): string | undefined {
  const parts = [message.text, message.multimedia?.caption].map((p) => p?.trim()).filter(Boolean);
  return parts.length ? parts.join("\n\n") : undefined;
}

/** Refuses what no provider can send, before anything goes out. */
export function invalidOutbound(message: OutboundMessage, maxText: number): SendFailure | null {
  const fail = (msg: string): SendFailure => ({ reason: "INVALID", retryable: false, message: msg });
  if (!message.to?.trim()) return fail("The recipient's number is missing");
  const text = combinedText(message);
  if (!text && !message.multimedia?.url) return fail("A message needs text or multimedia");
  if (text && text.length > maxText) return fail(`The text is longer than ${maxText} characters`);
  if (message.multimedia) {
    try {
      const { protocol } = new URL(message.multimedia.url);
      if (protocol !== "https:" && protocol !== "http:") throw new Error();
    } catch {
      return fail("The multimedia URL must be a public http(s) URL");
    }
  }
  return null;
}

export const reply = (status: number, body = "", contentType = "text/plain; charset=utf-8"): HttpReply => ({
  status,
  headers: body ? { "content-type": contentType } : {},
  body,
});

export const rejected = (reason: string, status = 403): InboundResult => ({
  kind: "rejected",
  reason,
  reply: reply(status, status === 403 ? "Forbidden" : "Bad Request"),
});

/** Messages when there are some, else an `ignored` result with the same success reply. */
export function received(messages: InboundMessage[], ok: HttpReply, ignoredReason: string): InboundResult {
  return messages.length
    ? { kind: "messages", messages, reply: ok }
    : { kind: "ignored", reason: ignoredReason, reply: ok };
}

/** A WhatsApp `wa_id` or a number in any notation, as E.164 with its `+`. */
export const toE164 = (number: string) => `+${number.replace(/\D/g, "")}`;

/** The URL joined from a configured origin (with or without a path prefix) and a path. */
export const joinApiUrl = (base: string, path: string) => `${base.replace(/\/+$/, "")}${path}`;
