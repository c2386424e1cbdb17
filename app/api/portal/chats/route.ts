import { apiRoute } from "@/lib/api/handler";
import { listChats } from "@/lib/data/chats";
import { chatListQuerySchema } from "@/lib/validation/chat";

// GET /api/portal/chats – the signed-in account's chats for the live inbox
export const GET = apiRoute({ auth: "session", query: chatListQuerySchema }, async ({ query, caller }) =>
  Response.json(await listChats(caller.accountId, query)),
);
