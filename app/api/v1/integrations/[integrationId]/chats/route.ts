import { apiRoute } from "@/lib/api/handler";
import { toChatOut } from "@/lib/api/representations";
import { listChats } from "@/lib/data/chats";
import { getIntegrationSummary } from "@/lib/data/integrations";
import { notFound } from "@/lib/errors";
import { integrationParamsSchema } from "@/lib/validation/api";
import { apiChatListQuerySchema } from "@/lib/validation/chat";

// GET /api/v1/integrations/{integrationId}/chats – the chats the integration serves, oldest first, paginated
export const GET = apiRoute(
  { auth: "apiKeyOrSession", params: integrationParamsSchema, query: apiChatListQuerySchema },
  async ({ params, query, caller }) => {
    if (!(await getIntegrationSummary(caller.accountId, params.integrationId))) throw notFound("Integration");
    const page = await listChats(caller.accountId, {
      ...query,
      integrationId: params.integrationId,
      order: "opened",
    });
    return Response.json({ chats: page.chats.map(toChatOut), nextCursor: page.nextCursor });
  },
);
