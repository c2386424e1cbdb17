import { z } from "zod";

import { DELIVERY_STATUSES } from "./deliveries";
import { multimediaSchema } from "./inbound";

/** POST /api/v1/integrations/{integrationId}/messages: a reply into a chat the contact started. */
export const replyMessageSchema = z
  .object({
    chatId: z.uuid("chatId must be the id of a chat (a UUID)"),
    text: z
      .string()
      .trim()
      .min(1, "text cannot be empty")
      .max(4096, "Keep the text under 4,096 characters")
      .optional(),
    multimedia: multimediaSchema.optional(),
  })
  .refine((m) => m.text !== undefined || m.multimedia !== undefined, {
    message: "Send text, multimedia or both",
    path: ["text"],
  });

export type ReplyMessage = z.output<typeof replyMessageSchema>;

export const integrationParamsSchema = z.object({ integrationId: z.uuid() });
export const integrationChatParamsSchema = z.object({ integrationId: z.uuid(), chatId: z.uuid() });

/** GET /api/v1/integrations/{integrationId}/deliveries: newest first, filtered, in pages. */
export const deliveryListQuerySchema = z.object({
  status: z.enum(DELIVERY_STATUSES).optional(),
  event: z.enum(["MESSAGE", "END"]).optional(),
  chatId: z.uuid().optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
