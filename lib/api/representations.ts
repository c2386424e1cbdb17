import { z } from "zod";

import type { Message } from "@/db/schema";

// What the v1 API returns, as zod schemas: the routes build their JSON with these functions and the
// OpenAPI document describes them from the same schemas.

export const multimediaOut = z
  .object({ url: z.string(), caption: z.string().nullable() })
  .meta({ id: "Multimedia", description: "An image or file by URL, with an optional caption" });

export const messageOut = z
  .object({
    id: z.uuid(),
    chatId: z.uuid(),
    direction: z.enum(["IN", "OUT"]).meta({ description: "IN from the contact, OUT to the contact" }),
    text: z.string().nullable(),
    multimedia: multimediaOut.nullable(),
    status: z
      .enum(["QUEUED", "SENT", "FAILED"])
      .nullable()
      .meta({ description: "OUT messages: whether the channel accepted it (null for IN messages)" }),
    error: z.string().nullable().meta({ description: "Why the channel refused an OUT message" }),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: "Message" });

export type MessageOut = z.infer<typeof messageOut>;

export function toMessageOut(m: Message): MessageOut {
  return {
    id: m.id,
    chatId: m.chatId,
    direction: m.direction,
    text: m.text,
    multimedia: m.multimediaUrl ? { url: m.multimediaUrl, caption: m.multimediaCaption } : null,
    status: m.sendStatus,
    error: m.sendError,
    createdAt: m.createdAt.toISOString(),
  };
}

export const errorOut = z
  .object({
    error: z.object({
      code: z.enum([
        "INVALID",
        "UNAUTHORIZED",
        "FORBIDDEN",
        "NOT_FOUND",
        "CONFLICT",
        "UNPROCESSABLE",
        "RATE_LIMITED",
        "INTERNAL",
      ]),
      message: z.string(),
      fieldErrors: z
        .record(z.string(), z.array(z.string()))
        .optional()
        .meta({ description: "Messages per field (400 only)" }),
    }),
  })
  .meta({ id: "Error" });
