import { ingestFromProvider } from "@/lib/channels/receive";
import { handleChannelWebhook } from "@/lib/channels/webhook";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ connectionId: string }> };

// POST /api/channels/twilio/{connectionId} – Twilio's inbound SMS webhook (X-Twilio-Signature checked)
export async function POST(request: Request, { params }: Context) {
  return handleChannelWebhook("twilio", (await params).connectionId, request, ingestFromProvider);
}
