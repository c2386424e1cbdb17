// Twilio Programmable Messaging (SMS/MMS): inbound form-encoded webhooks signed with X-Twilio-Signature,
// outbound through the Messages REST API.
import { createHmac } from "node:crypto";

import {
  callProvider,
  combinedText,
  invalidOutbound,
  isRetryableStatus,
  joinApiUrl,
  received,
  rejected,
  reply,
  retryAfterSeconds,
  safeEqual,
} from "./http";
import type { ChannelAdapter, InboundMessage, InboundRequest, SendResult } from "./types";

/** Twilio's limit for one message's Body. */
export const TWILIO_MAX_BODY = 1600;
export const TWILIO_SIGNATURE_HEADER = "x-twilio-signature";

// An empty TwiML document: "received, send no automatic reply". Replies go out through the REST API.
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

export interface TwilioConfig {
  /** Deadline for the provider to accept a message (Default: SEND_TIMEOUT_MS). */
  timeoutMs?: number;
  accountSid: string;
  authToken: string;
  /** The connection's sender: its E.164 number or short code. */
  from: string;
  /** Origin of the REST API, e.g. `https://api.twilio.com` (tests: a local fake). */
  apiBaseUrl: string;
  /** The webhook URL exactly as configured in the Twilio console; set it when a proxy rewrites URLs. */
  webhookUrl?: string;
}

export type FormParams = Record<string, string[]>;

/** The fields of a form-encoded body; a field sent several times keeps every value. */
export function parseForm(body: string): FormParams {
  // No prototype: a field may be called __proto__ or constructor.
  const params: FormParams = Object.create(null) as FormParams;
  for (const [key, value] of new URLSearchParams(body)) (params[key] ??= []).push(value);
  return params;
}

/**
 * Twilio's request signature: base64 HMAC-SHA1, keyed with the auth token, of the full URL followed by
 * every POST field's name and value, fields sorted by name (repeated values sorted, duplicates once).
 */
export function twilioSignature(authToken: string, url: string, params: FormParams): string {
  const data = Object.keys(params)
    .sort()
    .reduce(
      (acc, key) =>
        acc +
        [...new Set(params[key])]
          .sort()
          .map((value) => key + value)
          .join(""),
      url,
    );
  return createHmac("sha1", authToken).update(Buffer.from(data, "utf8")).digest("base64");
}

// Twilio may sign the URL with or without the default port (its own libraries accept both).
function urlVariants(url: string): string[] {
  const variants = new Set([url]);
  try {
    const u = new URL(url);
    const defaultPort = u.protocol === "https:" ? "443" : "80";
    if (u.port === "") {
      const at = url.indexOf(u.host, url.indexOf("//") + 2);
      variants.add(`${url.slice(0, at)}${u.hostname}:${defaultPort}${url.slice(at + u.host.length)}`);
    } else if (u.port === defaultPort) {
      u.port = "";
      variants.add(u.toString());
    }
  } catch {
    // Not a URL: only the string itself can match.
  }
  return [...variants];
}

/** Whether `signature` is Twilio's signature of this URL and form for the token (constant-time compare). */
export function isValidTwilioSignature(
  authToken: string,
  url: string,
  params: FormParams,
  signature: string | null,
): boolean {
  if (!signature) return false;
  let valid = false;
  // Check every variant so the time taken does not depend on which one matched.
  for (const candidate of urlVariants(url)) {
    if (safeEqual(twilioSignature(authToken, candidate, params), signature)) valid = true;
  }
  return valid;
}

const first = (params: FormParams, key: string) => params[key]?.[0];

const TWILIO_MAX_MEDIA = 10;

/**
 * The messages of an inbound webhook: a text SMS is one message; an MMS is one message per media item,
 * the Body as the first one's caption. Delivery status callbacks (MessageStatus) carry no message.
 */
export function parseTwilioInbound(params: FormParams): InboundMessage[] {
  const status = first(params, "SmsStatus");
  if (first(params, "MessageStatus") !== undefined || (status !== undefined && status !== "received"))
    return [];
  const from = first(params, "From")?.trim();
  if (!from) return [];
  const sid = first(params, "MessageSid") ?? first(params, "SmsMessageSid") ?? first(params, "SmsSid");
  const body = first(params, "Body")?.trim() ?? "";
  // Twilio sends at most 10 media items; the count is only a hint for which fields to read.
  const numMedia = Math.min(Number(first(params, "NumMedia") ?? "0") || 0, TWILIO_MAX_MEDIA);

  const messages: InboundMessage[] = [];
  for (let i = 0; i < numMedia; i++) {
    const url = first(params, `MediaUrl${i}`);
    if (!url) continue;
    const caption = messages.length === 0 && body ? body : undefined;
    const contentType = first(params, `MediaContentType${i}`);
    messages.push({
      from,
      multimedia: { url, ...(caption ? { caption } : {}), ...(contentType ? { contentType } : {}) },
      ...(sid ? { externalId: messages.length === 0 ? sid : `${sid}/${i}` } : {}),
    });
  }
  if (messages.length === 0 && body) messages.push({ from, text: body, ...(sid ? { externalId: sid } : {}) });
  return messages;
}

interface TwilioErrorBody {
  code?: number;
  message?: string;
  more_info?: string;
  status?: number;
}

export function createTwilioAdapter(config: TwilioConfig): ChannelAdapter {
  const verifySignature = (request: InboundRequest) =>
    isValidTwilioSignature(
      config.authToken,
      config.webhookUrl ?? request.url,
      parseForm(request.body),
      request.headers.get(TWILIO_SIGNATURE_HEADER),
    );

  return {
    provider: "TWILIO",
    verifySignature,

    async receive(request) {
      if (request.method !== "POST") return rejected("Twilio webhooks are POST requests", 405);
      if (!request.headers.get(TWILIO_SIGNATURE_HEADER)) return rejected("X-Twilio-Signature is missing");
      if (!verifySignature(request)) return rejected("X-Twilio-Signature does not match");
      const ok = reply(200, EMPTY_TWIML, "text/xml; charset=utf-8");
      return received(parseTwilioInbound(parseForm(request.body)), ok, "No message in this callback");
    },

    async send(message): Promise<SendResult> {
      const invalid = invalidOutbound(message, TWILIO_MAX_BODY);
      if (invalid) return { ok: false, error: invalid };
      const form = new URLSearchParams({ To: message.to, From: config.from });
      const body = combinedText(message);
      if (body) form.set("Body", body);
      if (message.multimedia) form.set("MediaUrl", message.multimedia.url);

      const path = `/2010-04-01/Accounts/${encodeURIComponent(config.accountSid)}/Messages.json`;
      const credentials = Buffer.from(`${config.accountSid}:${config.authToken}`).toString("base64");
      const call = await callProvider(
        joinApiUrl(config.apiBaseUrl, path),
        {
          method: "POST",
          headers: {
            authorization: `Basic ${credentials}`,
            "content-type": "application/x-www-form-urlencoded",
            accept: "application/json",
          },
          body: form.toString(),
        },
        config.timeoutMs,
      );
      if (!call.ok) return call;
      const { status, json, headers } = call.response;
      const sid = (json as { sid?: unknown } | null)?.sid;
      if (status >= 200 && status < 300 && typeof sid === "string") return { ok: true, externalId: sid };

      if (status >= 200 && status < 300) {
        // Accepted but unreadable: not retried, since a retry could send the message twice.
        return {
          ok: false,
          error: {
            reason: "HTTP_STATUS",
            retryable: false,
            status,
            message: `Twilio answered ${status} without a message SID`,
          },
        };
      }
      const err = (json ?? {}) as TwilioErrorBody;
      const code = err.code !== undefined ? String(err.code) : undefined;
      return {
        ok: false,
        error: {
          reason: "HTTP_STATUS",
          retryable: isRetryableStatus(status),
          status,
          ...(code ? { providerCode: code } : {}),
          message: `Twilio answered ${status}${code ? ` (error ${code})` : ""}: ${err.message ?? "no error message"}`,
          ...(retryAfterSeconds(headers) !== undefined
            ? { retryAfterSeconds: retryAfterSeconds(headers) }
            : {}),
        },
      };
    },
  };
}
