// A local stand-in for Twilio's Messages REST API, and builders for the webhooks Twilio sends, signed
// as Twilio signs them. Request and response shapes follow Twilio's API reference. Test code only.
import { randomBytes } from "node:crypto";

import { E164 } from "@/lib/validation/connection";

import { twilioSignature } from "../twilio";
import { startFakeServer, type FakeResponse, type FakeServer } from "./fake-server";

const API_VERSION = "2010-04-01";
const hex = (bytes: number) => randomBytes(bytes).toString("hex");
export const fakeTwilioSid = (prefix: "AC" | "SM" | "MM" | "ME") => prefix + hex(16);

/** Twilio's error body: `{ code, message, more_info, status }`. */
export function twilioError(status: number, code: number, message: string): FakeResponse {
  return {
    status,
    body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
  };
}

export interface FakeTwilio extends FakeServer {
  /** The message resources it created, oldest first. */
  created: Record<string, unknown>[];
}

/**
 * Serves `POST /2010-04-01/Accounts/{AccountSid}/Messages.json` for the given accounts (SID → auth
 * token): 401 (20003) without valid Basic auth, 400 with Twilio's codes for a missing To (21604),
 * From (21603) or Body/MediaUrl (21602) and an invalid To (21211), else 201 with a queued message.
 */
export async function startFakeTwilio(
  accounts: Record<string, string>,
  options: { port?: number } = {},
): Promise<FakeTwilio> {
  const created: Record<string, unknown>[] = [];
  const server = await startFakeServer((req) => {
    const match = req.path.match(/^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/);
    if (!match || req.method !== "POST") {
      return twilioError(404, 20404, `The requested resource ${req.path} was not found`);
    }
    const [user, password] = Buffer.from((req.headers.authorization ?? "").replace(/^Basic /, ""), "base64")
      .toString()
      .split(":");
    const accountSid = decodeURIComponent(match[1]!);
    if (!user || accounts[user] === undefined || accounts[user] !== password || user !== accountSid) {
      return twilioError(401, 20003, "Authenticate");
    }
    const field = (name: string) => req.form?.[name]?.[0];
    const to = field("To");
    const from = field("From");
    const body = field("Body") ?? "";
    const media = req.form?.MediaUrl ?? [];
    if (!to) return twilioError(400, 21604, "A 'To' phone number is required.");
    if (!from && !field("MessagingServiceSid"))
      return twilioError(400, 21603, "A 'From' phone number is required.");
    if (!body && media.length === 0) return twilioError(400, 21602, "Message body is required.");
    if (!E164.test(to)) return twilioError(400, 21211, `Invalid 'To' Phone Number: ${to}`);

    const sid = fakeTwilioSid(media.length ? "MM" : "SM");
    const now = new Date().toUTCString().replace("GMT", "+0000");
    const uri = `/${API_VERSION}/Accounts/${accountSid}/Messages/${sid}`;
    const resource = {
      account_sid: accountSid,
      api_version: API_VERSION,
      body,
      date_created: now,
      date_sent: null,
      date_updated: now,
      direction: "outbound-api",
      error_code: null,
      error_message: null,
      from: from ?? null,
      messaging_service_sid: field("MessagingServiceSid") ?? null,
      num_media: String(media.length),
      num_segments: String(Math.max(1, Math.ceil(body.length / 160))),
      price: null,
      price_unit: "USD",
      sid,
      status: "queued",
      subresource_uris: { media: `${uri}/Media.json` },
      to,
      uri: `${uri}.json`,
    };
    created.push(resource);
    return { status: 201, body: resource };
  }, options);
  return Object.assign(server, { created });
}

// ---------------------------------------------------------------- inbound webhooks

export interface TwilioInbound {
  accountSid: string;
  /** The end user's number. */
  from: string;
  /** The connection's number or short code. */
  to: string;
  body?: string;
  media?: { url: string; contentType: string }[];
  messageSid?: string;
}

/** The fields Twilio posts to a number's "A message comes in" webhook, as its docs list them. */
export function twilioInboundParams(m: TwilioInbound): Record<string, string> {
  const media = m.media ?? [];
  const sid = m.messageSid ?? fakeTwilioSid(media.length ? "MM" : "SM");
  const params: Record<string, string> = {
    ToCountry: "US",
    ToState: "CA",
    SmsMessageSid: sid,
    NumMedia: String(media.length),
    ToCity: "SAN FRANCISCO",
    FromZip: "94105",
    SmsSid: sid,
    FromState: "CA",
    SmsStatus: "received",
    FromCity: "SAN FRANCISCO",
    Body: m.body ?? "",
    FromCountry: "US",
    To: m.to,
    ToZip: "94105",
    NumSegments: "1",
    ReferralNumMedia: "0",
    MessageSid: sid,
    AccountSid: m.accountSid,
    From: m.from,
    ApiVersion: API_VERSION,
  };
  media.forEach((item, i) => {
    params[`MediaContentType${i}`] = item.contentType;
    params[`MediaUrl${i}`] = item.url;
  });
  return params;
}

/** The fields of a delivery status callback (no message in it). */
export function twilioStatusCallbackParams(m: {
  accountSid: string;
  from: string;
  to: string;
  status: "queued" | "sent" | "delivered" | "undelivered" | "failed";
  messageSid?: string;
}): Record<string, string> {
  const sid = m.messageSid ?? fakeTwilioSid("SM");
  return {
    SmsSid: sid,
    SmsStatus: m.status,
    MessageStatus: m.status,
    To: m.to,
    MessageSid: sid,
    AccountSid: m.accountSid,
    From: m.from,
    ApiVersion: API_VERSION,
  };
}

/**
 * The POST Twilio would send to `url`: form-encoded, signed with `authToken` in X-Twilio-Signature
 * (`signature` overrides it; `null` leaves the header out).
 */
export function twilioWebhookRequest(
  url: string,
  params: Record<string, string>,
  authToken: string,
  signature?: string | null,
): Request {
  const form = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, [v]]));
  const sig = signature === undefined ? twilioSignature(authToken, url, form) : signature;
  return new Request(url, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "user-agent": "TwilioProxy/1.1",
      "i-twilio-idempotency-token": randomBytes(16).toString("hex"),
      ...(sig === null ? {} : { "x-twilio-signature": sig }),
    },
    body: new URLSearchParams(params).toString(),
  });
}
