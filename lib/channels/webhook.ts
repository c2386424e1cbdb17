// The whole of a provider webhook route, without Next.js: find the connection, let its adapter verify and
// parse the request, hand the messages to ingestion, answer the provider.
import { getInboundChannel, type ChannelConnection } from "@/lib/data/connections";
import { AppError, describeError, expectedError } from "@/lib/errors";
import { BODY_LIMITS, readBodyText } from "@/lib/http/body";
import { log as logger } from "@/lib/log";

import type { WebhookRoute } from "./providers";
import { publicRequestUrl } from "./public-url";
import type { HttpReply, InboundMessage, InboundRequest } from "./types";

const PROVIDER_OF_ROUTE = { twilio: "TWILIO", whatsapp: "WHATSAPP_CLOUD" } as const;

/** Provider webhooks are small (a WhatsApp batch is a few KB); a larger body is refused unread. */
export const MAX_WEBHOOK_BODY_BYTES = BODY_LIMITS.providerWebhook;

/** Reads a fetch Request into what adapters take; throws AppError PAYLOAD_TOO_LARGE past `limit` bytes. */
export async function toInboundRequest(
  request: Request,
  limit = MAX_WEBHOOK_BODY_BYTES,
): Promise<InboundRequest> {
  return {
    method: request.method,
    url: publicRequestUrl(request),
    headers: request.headers,
    body: request.method === "GET" || request.method === "HEAD" ? "" : await readBodyText(request, limit),
  };
}

const toResponse = (reply: HttpReply) =>
  new Response(reply.body || null, { status: reply.status, headers: reply.headers });

/** Stores an inbound message batch (the ingestion function); it throws when it could not. */
export type IngestInbound = (connection: ChannelConnection, messages: InboundMessage[]) => Promise<void>;

/**
 * Handles GET/POST /api/channels/{twilio|whatsapp}/{connectionId}: 404 for an unknown connection or one
 * on another provider, 403 for a bad signature or verify token, the handshake's challenge, and — once
 * `ingest` has stored the messages — the provider's success reply. A body the adapter cannot make sense
 * of, or messages the platform refuses, are answered 400 and logged, never 500 (a provider would
 * deliver it again for days). While the database cannot be reached the answer is 503 with Retry-After;
 * if ingestion fails otherwise, 500 — in both cases providers that retry deliver the webhook again.
 */
export async function handleChannelWebhook(
  route: WebhookRoute,
  connectionId: string,
  request: Request,
  ingest: IngestInbound,
): Promise<Response> {
  const log = (level: "warn" | "error", what: string, err?: unknown) =>
    console[level](
      `[channels] ${route} webhook for connection ${connectionId}: ${what}`,
      ...(err === undefined ? [] : [describeError(err)]),
    );
  const failed = (err: unknown, what: string) => {
    const expected = expectedError(err);
    if (expected?.code === "UNAVAILABLE") {
      log("warn", `${what}: the database cannot be reached`);
      return new Response("Service Unavailable", {
        status: 503,
        headers: { "retry-after": String(expected.retryAfterSeconds) },
      });
    }
    if (expected) {
      // A message the platform refuses (no contact number, say) would be refused again: not a 5xx.
      log("warn", `${what}: ${expected.message}`);
      return new Response("Bad Request", { status: 400 });
    }
    log("error", what, err);
    return new Response("Internal Server Error", { status: 500 });
  };

  let channel: Awaited<ReturnType<typeof getInboundChannel>>;
  try {
    channel = await getInboundChannel(connectionId, PROVIDER_OF_ROUTE[route]);
  } catch (err) {
    return failed(err, "the connection cannot be loaded");
  }
  if (!channel) return new Response("Not Found", { status: 404 });

  let inbound: InboundRequest;
  try {
    inbound = await toInboundRequest(request);
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== "PAYLOAD_TOO_LARGE") throw err;
    log("warn", "refused: body over 1 MB");
    return new Response("Payload Too Large", { status: 413 });
  }
  let result: Awaited<ReturnType<typeof channel.adapter.receive>>;
  try {
    result = await channel.adapter.receive(inbound);
  } catch (err) {
    // The adapter met a shape it does not expect; the provider sending it again would not change that.
    log("warn", "refused: the body could not be understood", err);
    return new Response("Bad Request", { status: 400 });
  }
  if (result.kind === "rejected") log("warn", `refused: ${result.reason}`);
  // Statuses and other callbacks without a message are routine: at debug level only.
  if (result.kind === "ignored") logger().debug({ route, connectionId }, `webhook ignored: ${result.reason}`);
  if (result.kind === "messages") {
    try {
      await ingest(channel.connection, result.messages);
    } catch (err) {
      return failed(err, "ingestion failed");
    }
  }
  return toResponse(result.reply);
}
