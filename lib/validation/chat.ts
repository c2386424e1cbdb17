import { z } from "zod";

/** "recent": latest message first (the inbox); "opened": oldest chat first, stable for paging through an API. */
export const CHAT_ORDERS = ["recent", "opened"] as const;
export type ChatOrder = (typeof CHAT_ORDERS)[number];

export const chatListQuerySchema = z.object({
  status: z.enum(["OPEN", "CLOSED"]).optional(),
  order: z.enum(CHAT_ORDERS).default("recent"),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export const chatIdParamsSchema = z.object({ chatId: z.uuid() });

/** GET /api/v1/integrations/{integrationId}/chats: always oldest first, so pages stay stable. */
export const apiChatListQuerySchema = chatListQuerySchema.omit({ order: true });
