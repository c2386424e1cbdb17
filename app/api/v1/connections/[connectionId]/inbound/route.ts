import { z } from "zod";

import { apiRoute } from "@/lib/api/handler";
import { inboundMessageSchema, type InboundAccepted } from "@/lib/validation/inbound";
import { receiveMessage } from "@/lib/data/inbound";

export const dynamic = "force-dynamic";

// POST /api/v1/connections/{connectionId}/inbound – sandbox: an end user's message arrives on a connection
export const POST = apiRoute(
  { body: inboundMessageSchema, params: z.object({ connectionId: z.uuid() }) },
  async ({ body, params, caller }) => {
    const { chatId, messageId, deliveryIds } = await receiveMessage({
      accountId: caller.accountId,
      connectionId: params.connectionId,
      from: body.from,
      text: body.text,
      multimedia: body.multimedia,
      externalId: body.externalId,
    });
    return Response.json({ chatId, messageId, deliveryIds } satisfies InboundAccepted, { status: 202 });
  },
);
