// A local stand-in for the WhatsApp Cloud API (Graph API messages and media endpoints), and builders for
// the webhooks Meta sends, signed as Meta signs them. Shapes follow Meta's reference. Test code only.
import { createHash, randomBytes } from "node:crypto";

import { whatsappSignature } from "../whatsapp-cloud";
import { startFakeServer, type FakeResponse, type FakeServer } from "./fake-server";

const fbtrace = () => randomBytes(8).toString("base64url");
export const fakeWamid = () => `wamid.${randomBytes(30).toString("base64")}`;

/** The Graph API's error body: `{ error: { message, type, code, error_subcode?, fbtrace_id } }`. */
export function graphError(
  status: number,
  code: number,
  message: string,
  extra: { type?: string; error_subcode?: number; details?: string; is_transient?: boolean } = {},
): FakeResponse {
  const { type = "OAuthException", details, ...rest } = extra;
  return {
    status,
    body: {
      error: {
        message,
        type,
        code,
        ...rest,
        ...(details ? { error_data: { messaging_product: "whatsapp", details } } : {}),
        fbtrace_id: fbtrace(),
      },
    },
  };
}

export interface FakeWhatsApp extends FakeServer {
  /** Registers media the fake serves at GET /{version}/{mediaId}. */
  addMedia(id: string, mimeType?: string): void;
}

/**
 * Serves `POST /{version}/{phone-number-id}/messages` for one phone number and access token (190 on a
 * bad token, 100 on a missing or invalid parameter, else the message id) and
 * `GET /{version}/{media-id}` for registered media.
 */
export async function startFakeWhatsApp(
  { phoneNumberId, accessToken }: { phoneNumberId: string; accessToken: string },
  options: { port?: number } = {},
): Promise<FakeWhatsApp> {
  const media = new Map<string, string>();
  const server = await startFakeServer((req, origin) => {
    if (req.headers.authorization !== `Bearer ${accessToken}`) {
      return graphError(401, 190, "Invalid OAuth access token - Cannot parse access token");
    }
    const messages = req.path.match(/^\/v\d+\.\d+\/([^/]+)\/messages$/);
    if (req.method === "POST" && messages) {
      if (decodeURIComponent(messages[1]!) !== phoneNumberId) {
        return graphError(
          400,
          100,
          `Unsupported post request. Object with ID '${messages[1]}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
          { type: "GraphMethodException", error_subcode: 33 },
        );
      }
      const body = req.json as Record<string, unknown> | undefined;
      const required = (what: string) => graphError(400, 100, `(#100) The parameter ${what} is required.`);
      if (!body) return graphError(400, 100, "(#100) Invalid parameter");
      if (body.messaging_product !== "whatsapp") return required("messaging_product");
      if (typeof body.to !== "string" || !body.to) return required("to");
      const type = (body.type as string | undefined) ?? "text";
      const content = body[type] as Record<string, unknown> | undefined;
      if (type === "text" && typeof content?.body !== "string") return required("text['body']");
      if (type !== "text" && !content?.link && !content?.id) {
        return graphError(400, 100, "(#100) Invalid parameter", {
          details: `${type}['link'] or ${type}['id'] is required`,
        });
      }
      return {
        status: 200,
        body: {
          messaging_product: "whatsapp",
          contacts: [{ input: body.to, wa_id: body.to.replace(/\D/g, "") }],
          messages: [{ id: fakeWamid() }],
        },
      };
    }
    const mediaMatch = req.path.match(/^\/v\d+\.\d+\/([^/]+)$/);
    if (req.method === "GET" && mediaMatch && media.has(mediaMatch[1]!)) {
      const id = mediaMatch[1]!;
      return {
        status: 200,
        body: {
          messaging_product: "whatsapp",
          url: `${origin}/whatsapp-media/${id}`,
          mime_type: media.get(id),
          sha256: createHash("sha256").update(id).digest("hex"),
          file_size: 303_833,
          id,
        },
      };
    }
    return graphError(400, 100, "Unsupported get request.", {
      type: "GraphMethodException",
      error_subcode: 33,
    });
  }, options);
  return Object.assign(server, {
    addMedia: (id: string, mimeType = "image/jpeg") => void media.set(id, mimeType),
  });
}

// ---------------------------------------------------------------- inbound webhooks

export interface WhatsAppBusiness {
  phoneNumberId: string;
  /** The business number as Meta displays it, digits only. */
  displayPhoneNumber: string;
  wabaId?: string;
}

const timestamp = () => String(Math.floor(Date.now() / 1000));
const digits = (number: string) => number.replace(/\D/g, "");

/** An end user's text message, as it appears in `value.messages[]`. */
export const waText = (from: string, body: string, id = fakeWamid()) => ({
  from: digits(from),
  id,
  timestamp: timestamp(),
  type: "text",
  text: { body },
});

/** An end user's image (Meta includes `url` in newer webhooks; older ones only the media id). */
export const waImage = (
  from: string,
  image: { id: string; caption?: string; url?: string; mimeType?: string },
  id = fakeWamid(),
) => ({
  from: digits(from),
  id,
  timestamp: timestamp(),
  type: "image",
  image: {
    ...(image.caption ? { caption: image.caption } : {}),
    mime_type: image.mimeType ?? "image/jpeg",
    sha256: createHash("sha256").update(image.id).digest("base64"),
    id: image.id,
    ...(image.url ? { url: image.url } : {}),
  },
});

/** A delivery status of a message the business sent, as it appears in `value.statuses[]`. */
export const waStatus = (
  recipient: string,
  status: "sent" | "delivered" | "read" | "failed",
  id = fakeWamid(),
) => ({
  id,
  status,
  timestamp: timestamp(),
  recipient_id: digits(recipient),
  conversation: { id: randomBytes(16).toString("hex"), origin: { type: "service" } },
  pricing: { billable: true, pricing_model: "PMP", category: "service", type: "regular" },
});

/** A `messages` webhook for one business number, with messages and/or statuses, as Meta posts it. */
export function whatsappWebhookPayload(
  business: WhatsAppBusiness,
  content: { messages?: unknown[]; statuses?: unknown[]; contactName?: string },
) {
  const senders = [...new Set((content.messages ?? []).map((m) => (m as { from: string }).from))];
  return {
    object: "whatsapp_business_account",
    entry: [
      {
        id: business.wabaId ?? "102290129340398",
        changes: [
          {
            value: {
              messaging_product: "whatsapp",
              metadata: {
                display_phone_number: business.displayPhoneNumber,
                phone_number_id: business.phoneNumberId,
              },
              ...(senders.length
                ? {
                    contacts: senders.map((wa_id) => ({
                      profile: { name: content.contactName ?? "Sheena Nelson" },
                      wa_id,
                    })),
                  }
                : {}),
              ...(content.messages ? { messages: content.messages } : {}),
              ...(content.statuses ? { statuses: content.statuses } : {}),
            },
            field: "messages",
          },
        ],
      },
    ],
  };
}

/**
 * The POST Meta would send to `url`: the JSON body signed with the app secret in X-Hub-Signature-256
 * (`signature` overrides it; `null` leaves the header out).
 */
export function whatsappWebhookRequest(
  url: string,
  payload: unknown,
  appSecret: string,
  signature?: string | null,
): Request {
  const body = typeof payload === "string" ? payload : JSON.stringify(payload);
  const sig = signature === undefined ? whatsappSignature(appSecret, body) : signature;
  return new Request(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "user-agent": "facebookexternalua",
      ...(sig === null ? {} : { "x-hub-signature-256": sig }),
    },
    body,
  });
}

/** The GET Meta sends when a callback URL is saved in the App Dashboard. */
export function whatsappVerificationRequest(
  url: string,
  query: { mode?: string; verifyToken?: string; challenge?: string },
): Request {
  const u = new URL(url);
  if (query.mode !== undefined) u.searchParams.set("hub.mode", query.mode);
  if (query.challenge !== undefined) u.searchParams.set("hub.challenge", query.challenge);
  if (query.verifyToken !== undefined) u.searchParams.set("hub.verify_token", query.verifyToken);
  return new Request(u, { method: "GET" });
}
