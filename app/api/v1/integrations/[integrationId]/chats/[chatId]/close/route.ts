import { apiRoute } from "@/lib/api/handler";
import { withIdempotency } from "@/lib/api/idempotency";
import { toChatOut } from "@/lib/api/representations";
import { getChat } from "@/lib/data/chats";
import { getIntegrationChat } from "@/lib/data/messages";
import { notFound } from "@/lib/errors";
import { integrationChatParamsSchema } from "@/lib/validation/api";
import { closeChat } from "@/lib/webhooks/close";

// POST /api/v1/integrations/{integrationId}/chats/{chatId}/close – close a chat; the integration receives END
export const POST = apiRoute(
  { auth: "apiKeyOrSession", params: integrationChatParamsSchema },
  async ({ params, caller, request }) => {
    const { integrationId, chatId } = params;
    const route = `POST /api/v1/integrations/${integrationId}/chats/${chatId}/close`;
    const result = await withIdempotency(
      caller.accountId,
      route,
      request.headers.get("idempotency-key"),
      null,
      async () => {
        if (!(await getIntegrationChat(caller.accountId, integrationId, chatId))) throw notFound("Chat");
        await closeChat(caller.accountId, chatId);
        return { status: 200, body: toChatOut((await getChat(caller.accountId, chatId))!) };
      },
    );
    return Response.json(result.body, {
      status: result.status,
      headers: result.replayed ? { "idempotent-replayed": "true" } : undefined,
    });
  },
);
