// The whole of a provider webhook route, without Next.js: find the connection, let its adapter verify and
// parse the request, hand the messages to ingestion, answer the provider.
import { getInboundChannel, type ChannelConnection } from "@/lib/data/connections";
import { describeError } from "@/lib/errors";

import type { WebhookRoute } from "./providers";
import { publicRequestUrl } from "./public-url";
import type { HttpReply, InboundMessage, InboundRequest } from "./types";

const PROVIDER_OF_ROUTE = { twilio: "TWILIO", whatsapp: "WHATSAPP_CLOUD" } as const;

/** Provider webhooks are small (a WhatsApp batch is a few KB); a larger body is refused unread. */
export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;

class BodyTooLarge extends Error {}

// Reads at most `limit` bytes: anyone can post here, and the signature can only be checked on the whole body.
async function readCapped(request: Request, limit: number): Promise<string> {
  if (Number(request.headers.get("content-length") ?? 0) > limit) throw new BodyTooLarge();
  if (!request.body) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (let part = await reader.read(); !part.done; part = await reader.read()) {
    size += part.value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new BodyTooLarge();
    }
    chunks.push(part.value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Reads a fetch Request into what adapters take; throws BodyTooLarge past `limit` bytes. */
export async function toInboundRequest(
  request: Request,
  limit = MAX_WEBHOOK_BODY_BYTES,
): Promise<InboundRequest> {
  return {
    method: request.method,
    url: publicRequestUrl(request),
    headers: request.headers,
    body: request.method === "GET" || request.method === "HEAD" ? "" : await readCapped(request, limit),
  };
}

const toResponse = (reply: HttpReply) =>
  new Response(reply.body || null, { status: reply.status, headers: reply.headers });

/** Stores an inbound message batch (the ingestion function); it throws when it could not. */
export type IngestInbound = (connection: ChannelConnection, messages: InboundMessage[]) => Promise<void>;

/**
 * Handles GET/POST /api/channels/{twilio|whatsapp}/{connectionId}: 404 for an unknown connection or one
 * on another provider, 403 for a bad signature or verify token, the handshake's challenge, and — once
 * `ingest` has stored the messages — the provider's success reply. If ingestion fails the answer is a
 * 500, so providers that retry (WhatsApp) deliver the webhook again.
 */
export async function handleChannelWebhook(
  route: WebhookRoute,
  connectionId: string,
  request: Request,
  ingest: IngestInbound,
): Promise<Response> {
  let channel: Awaited<ReturnType<typeof getInboundChannel>>;
  try {
    channel = await getInboundChannel(connectionId, PROVIDER_OF_ROUTE[route]);
  } catch (err) {
    console.error(
      `[channels] ${route} webhook: connection ${connectionId} cannot be loaded`,
      describeError(err),
    );
    return new Response("Internal Server Error", { status: 500 });
  }
  if (!channel) return new Response("Not Found", { status: 404 });

  let inbound: InboundRequest;
  try {
    inbound = await toInboundRequest(request);
  } catch (err) {
    if (!(err instanceof BodyTooLarge)) throw err;
    console.warn(`[channels] ${route} webhook for connection ${connectionId} refused: body over 1 MB`);
    return new Response("Payload Too Large", { status: 413 });
  }
  const result = await channel.adapter.receive(inbound);
  if (result.kind === "rejected") {
    console.warn(`[channels] ${route} webhook for connection ${connectionId} refused: ${result.reason}`);
  }
  if (result.kind === "messages") {
    try {
      await ingest(channel.connection, result.messages);
    } catch (err) {
      console.error(
        `[channels] ${route} webhook for connection ${connectionId}: ingestion failed`,
        describeError(err),
      );
      return new Response("Internal Server Error", { status: 500 });
    }
  }
  return toResponse(result.reply);
}
