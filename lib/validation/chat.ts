import { z } from "zod";

export const chatListQuerySchema = z.object({
  status: z.enum(["OPEN", "CLOSED"]).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export const chatIdParamsSchema = z.object({ chatId: z.uuid() });
