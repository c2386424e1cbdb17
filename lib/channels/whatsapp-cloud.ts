// WhatsApp Cloud API (Meta Graph API): the GET verification handshake, inbound JSON webhooks signed with
// X-Hub-Signature-256, outbound through POST /{version}/{phone-number-id}/messages.
import { createHmac } from "node:crypto";

import { z } from "zod";

import { E164 } from "@/lib/validation/connection";

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
  toE164,
} from "./http";
import type { ChannelAdapter, InboundMessage, InboundRequest, InboundResult, SendResult } from "./types";

export const WHATSAPP_SIGNATURE_HEADER = "x-hub-signature-256";
/** WhatsApp's limit for a text message's body; media captions allow 1024. */
export const WHATSAPP_MAX_TEXT = 4096;
export const WHATSAPP_MAX_CAPTION = 1024;

export interface WhatsAppCloudConfig {
  /** Deadline for the provider to accept a message (Default: SEND_TIMEOUT_MS). */
  timeoutMs?: number;
  phoneNumberId: string;
  accessToken: string;
  appSecret: string;
  verifyToken: string;
  /** Origin of the Graph API, e.g. `https://graph.facebook.com` (tests: a local fake). */
  apiBaseUrl: string;
  /** Graph API version in paths, e.g. `v25.0`. */
  apiVersion: string;
}

/** Meta's webhook signature: `sha256=` and the hex HMAC-SHA256 of the raw body, keyed with the app secret. */
export function whatsappSignature(appSecret: string, rawBody: string): string {
  return `sha256=${createHmac("sha256", appSecret).update(Buffer.from(rawBody, "utf8")).digest("hex")}`;
}

export function isValidWhatsAppSignature(appSecret: string, rawBody: string, header: string | null): boolean {
  if (!header) return false;
  // Hex digits may come in either case.
  const given = header.startsWith("sha256=") ? `sha256=${header.slice(7).toLowerCase()}` : header;
  return safeEqual(whatsappSignature(appSecret, rawBody), given);
}

// ------------------------------------------------------------------ inbound payload

// Meta documents the shapes, but a webhook is input from the network: each entry, change and message is
// read with its own schema, so one that does not fit is left out (and counted) without losing the rest.
const optionalText = z.string().optional().catch(undefined);

const mediaSchema = z.object({
  id: optionalText,
  url: optionalText,
  caption: optionalText,
  mime_type: optionalText,
});

const messageSchema = z.object({
  from: z.string().transform(toE164).pipe(z.string().regex(E164)),
  id: optionalText,
  type: optionalText,
  text: z.object({ body: optionalText }).optional().catch(undefined),
  button: z.object({ text: optionalText }).optional().catch(undefined),
  interactive: z
    .object({
      button_reply: z.object({ title: optionalText }).optional().catch(undefined),
      list_reply: z.object({ title: optionalText }).optional().catch(undefined),
    })
    .optional()
    .catch(undefined),
  image: mediaSchema.optional().catch(undefined),
  video: mediaSchema.optional().catch(undefined),
  document: mediaSchema.optional().catch(undefined),
  audio: mediaSchema.optional().catch(undefined),
  sticker: mediaSchema.optional().catch(undefined),
});

const changeSchema = z.object({ field: z.string(), value: z.unknown() });

// The value of a change of the `messages` field (other fields carry other shapes).
const messagesValueSchema = z.object({
  metadata: z.object({ phone_number_id: z.string() }),
  messages: z.array(z.unknown()).optional(),
});

const payloadSchema = z.object({
  object: z.literal("whatsapp_business_account"),
  entry: z.array(z.unknown()),
});

const entrySchema = z.object({ changes: z.array(z.unknown()) });

const MEDIA_TYPES = ["image", "video", "document", "audio", "sticker"] as const;
const CONTENT_TYPES = new Set<string>([...MEDIA_TYPES, "text", "button", "interactive"]);

/** A message as the parser reads it; media without a URL in the webhook still needs its id resolved. */
export type ParsedWhatsAppMessage = InboundMessage & { mediaId?: string };

/** What a webhook carried for this phone number, and how many of its parts did not fit Meta's shapes. */
export interface ParsedWhatsAppWebhook {
  messages: ParsedWhatsAppMessage[];
  /** Entries, changes and messages left out because they were malformed. */
  malformed: number;
}

/**
 * The end users' messages in a webhook for this phone number, in order: text, media (image, video,
 * document, audio, sticker, with caption) and button/list replies (as text). Statuses, other phone
 * numbers' messages and types without content for a chat (reactions, locations…) are left out, as is
 * any part that is malformed.
 */
export function parseWhatsAppWebhook(payload: unknown, phoneNumberId: string): ParsedWhatsAppWebhook {
  const out: ParsedWhatsAppMessage[] = [];
  let malformed = 0;
  const each = <T>(items: unknown[], schema: z.ZodType<T>, visit: (item: T) => void) => {
    for (const item of items) {
      const parsed = schema.safeParse(item);
      if (parsed.success) visit(parsed.data);
      else malformed++;
    }
  };
  const body = payloadSchema.safeParse(payload);
  if (!body.success) return { messages: [], malformed: 1 };
  each(body.data.entry, entrySchema, (entry) =>
    each(entry.changes, changeSchema, (change) => {
      if (change.field !== "messages") return;
      each([change.value], messagesValueSchema, (value) => {
        if (value.metadata.phone_number_id !== phoneNumberId) return;
        each(value.messages ?? [], messageSchema, (m) => {
          const message = toInboundMessage(m);
          if (message) out.push(message);
          // No type, or a type that carries content (text, media, a reply) without it, is malformed;
          // other types (reactions, locations…) are simply not chat content.
          else if (m.type === undefined || CONTENT_TYPES.has(m.type)) malformed++;
        });
      });
    }),
  );
  return { messages: out, malformed };
}

function toInboundMessage(m: z.output<typeof messageSchema>): ParsedWhatsAppMessage | null {
  const base = { from: m.from, ...(m.id ? { externalId: m.id } : {}) };
  const mediaType = MEDIA_TYPES.find((t) => t === m.type);
  const media = mediaType && m[mediaType];
  const text =
    m.type === "text"
      ? m.text?.body
      : m.type === "button"
        ? m.button?.text
        : m.type === "interactive"
          ? (m.interactive?.button_reply?.title ?? m.interactive?.list_reply?.title)
          : undefined;
  if (text?.trim()) return { ...base, text };
  if (media && (media.url || media.id)) {
    return {
      ...base,
      multimedia: {
        url: media.url ?? "",
        ...(media.caption ? { caption: media.caption } : {}),
        ...(media.mime_type ? { contentType: media.mime_type } : {}),
      },
      ...(!media.url && media.id ? { mediaId: media.id } : {}),
    };
  }
  return null;
}

// ------------------------------------------------------------------ outbound

// Graph error codes Meta documents as temporary (rate limits, service hiccups): worth a retry.
const TRANSIENT_CODES = new Set([1, 2, 4, 17, 341, 80007, 130429, 131000, 131016, 131048, 131056, 133004]);

interface GraphError {
  error?: {
    message?: string;
    type?: string;
    code?: number;
    error_subcode?: number;
    is_transient?: boolean;
    error_data?: { details?: string };
  };
}

/** The Cloud API message type for a media URL, from its extension (images by default). */
export function mediaTypeFor(url: string): "image" | "video" | "document" {
  const ext = new URL(url).pathname.split(".").pop()?.toLowerCase() ?? "";
  if (["mp4", "3gp"].includes(ext)) return "video";
  if (["pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "txt", "csv"].includes(ext)) return "document";
  return "image";
}

export function createWhatsAppCloudAdapter(config: WhatsAppCloudConfig): ChannelAdapter {
  const graph = (path: string) => joinApiUrl(config.apiBaseUrl, `/${config.apiVersion}/${path}`);
  const authorization = `Bearer ${config.accessToken}`;

  const verifySignature = (request: InboundRequest) =>
    isValidWhatsAppSignature(config.appSecret, request.body, request.headers.get(WHATSAPP_SIGNATURE_HEADER));

  // Older webhooks carry a media id only: its URL comes from GET /{media-id}.
  async function mediaUrl(mediaId: string): Promise<string | null> {
    const call = await callProvider(
      graph(encodeURIComponent(mediaId)),
      { headers: { authorization, accept: "application/json" } },
      config.timeoutMs,
    );
    const url = call.ok && call.response.status === 200 && (call.response.json as { url?: unknown })?.url;
    return typeof url === "string" ? url : null;
  }

  function handshake(request: InboundRequest): InboundResult {
    const query = new URL(request.url).searchParams;
    const token = query.get("hub.verify_token") ?? "";
    const challenge = query.get("hub.challenge");
    if (
      query.get("hub.mode") !== "subscribe" ||
      challenge === null ||
      !safeEqual(token, config.verifyToken)
    ) {
      return rejected("The verify token or hub.mode does not match");
    }
    return { kind: "handshake", reply: reply(200, challenge) };
  }

  return {
    provider: "WHATSAPP_CLOUD",
    verifySignature,

    async receive(request) {
      if (request.method === "GET") return handshake(request);
      if (request.method !== "POST") return rejected("WhatsApp webhooks are GET or POST requests", 405);
      if (!request.headers.get(WHATSAPP_SIGNATURE_HEADER)) return rejected("X-Hub-Signature-256 is missing");
      if (!verifySignature(request)) return rejected("X-Hub-Signature-256 does not match");
      let payload: unknown;
      try {
        payload = JSON.parse(request.body);
      } catch {
        return rejected("The body is not JSON", 400);
      }
      const parsed = parseWhatsAppWebhook(payload, config.phoneNumberId);
      if (parsed.malformed > 0) {
        console.warn(`[channels] WhatsApp webhook: ${parsed.malformed} malformed part(s) left out`);
      }
      const messages: InboundMessage[] = [];
      for (const { mediaId, ...message } of parsed.messages) {
        if (mediaId) {
          const url = await mediaUrl(mediaId);
          // Answer 503 so Meta delivers the webhook again later rather than losing the media.
          if (!url) return { kind: "rejected", reason: "Could not resolve a media URL", reply: reply(503) };
          message.multimedia = { ...message.multimedia, url };
        }
        messages.push(message);
      }
      return received(messages, reply(200, "OK"), "No message for this number in this webhook");
    },

    async send(message): Promise<SendResult> {
      const maxText = message.multimedia ? WHATSAPP_MAX_CAPTION : WHATSAPP_MAX_TEXT;
      const invalid = invalidOutbound(message, maxText);
      if (invalid) return { ok: false, error: invalid };
      const text = combinedText(message);
      const to = toE164(message.to);
      let content: Record<string, unknown>;
      if (message.multimedia) {
        const type = mediaTypeFor(message.multimedia.url);
        content = { type, [type]: { link: message.multimedia.url, ...(text ? { caption: text } : {}) } };
      } else {
        content = { type: "text", text: { preview_url: false, body: text } };
      }
      const call = await callProvider(
        graph(`${encodeURIComponent(config.phoneNumberId)}/messages`),
        {
          method: "POST",
          headers: { authorization, "content-type": "application/json", accept: "application/json" },
          body: JSON.stringify({
            messaging_product: "whatsapp",
            recipient_type: "individual",
            to,
            ...content,
          }),
        },
        config.timeoutMs,
      );
      if (!call.ok) return call;
      const { status, json, headers } = call.response;
      const id = (json as { messages?: { id?: unknown }[] } | null)?.messages?.[0]?.id;
      if (status >= 200 && status < 300) {
        if (typeof id === "string") return { ok: true, externalId: id };
        // Accepted but unreadable: not retried, since a retry could send the message twice.
        const message = `WhatsApp answered ${status} without a message id`;
        return { ok: false, error: { reason: "HTTP_STATUS", retryable: false, status, message } };
      }
      const err = (json as GraphError | null)?.error ?? {};
      const transient =
        err.is_transient === true || (err.code !== undefined && TRANSIENT_CODES.has(err.code));
      const details = err.error_data?.details ? ` (${err.error_data.details})` : "";
      const retryAfter = retryAfterSeconds(headers);
      return {
        ok: false,
        error: {
          reason: "HTTP_STATUS",
          retryable: isRetryableStatus(status) || transient,
          status,
          ...(err.code !== undefined ? { providerCode: String(err.code) } : {}),
          message: `WhatsApp answered ${status}${err.code !== undefined ? ` (error ${err.code})` : ""}: ${err.message ?? "no error message"}${details}`,
          ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}),
        },
      };
    },
  };
}
