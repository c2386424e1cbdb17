import { apiRoute } from "@/lib/api/handler";
import { getChatThread } from "@/lib/data/chats";
import { notFound } from "@/lib/errors";
import { chatIdParamsSchema } from "@/lib/validation/chat";

// GET /api/portal/chats/{chatId} – one chat's thread with the delivery status of its events
export const GET = apiRoute({ auth: "session", params: chatIdParamsSchema }, async ({ params, caller }) => {
  const thread = await getChatThread(caller.accountId, params.chatId);
  if (!thread) throw notFound("Chat");
  return Response.json(thread);
});
