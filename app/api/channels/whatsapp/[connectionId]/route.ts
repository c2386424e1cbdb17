import { ingestFromProvider } from "@/lib/channels/receive";
import { handleChannelWebhook } from "@/lib/channels/webhook";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ connectionId: string }> };

// GET /api/channels/whatsapp/{connectionId} – WhatsApp Cloud API verification handshake (hub.challenge)
export async function GET(request: Request, { params }: Context) {
  return handleChannelWebhook("whatsapp", (await params).connectionId, request, ingestFromProvider);
}

// POST /api/channels/whatsapp/{connectionId} – WhatsApp Cloud API inbound messages (X-Hub-Signature-256 checked)
export async function POST(request: Request, { params }: Context) {
  return handleChannelWebhook("whatsapp", (await params).connectionId, request, ingestFromProvider);
}
