import { z } from "zod";

import { E164, normaliseCode } from "./connection";

/** Multimedia attached to an end user's message: a public URL and an optional caption. */
export const multimediaSchema = z.object({
  url: z
    .url({ protocol: /^https?$/, error: "Enter the multimedia URL (http:// or https://)" })
    .max(2048, "The multimedia URL is too long"),
  caption: z.string().max(1024, "The caption is too long (1,024 characters at most)").optional(),
});

/**
 * An end user's message arriving on a connection (the sandbox route
 * POST /api/v1/connections/{connectionId}/inbound, and the simulator): who sent it and what.
 */
export const inboundMessageSchema = z
  .object({
    from: z
      .string({ error: "Enter the contact's number" })
      .trim()
      .transform(normaliseCode)
      .pipe(z.string().regex(E164, "Enter the contact's number in E.164 format, like +15551234567")),
    text: z.string().max(4096, "The text is too long (4,096 characters at most)").optional(),
    multimedia: multimediaSchema.optional(),
  })
  .refine((m) => (m.text !== undefined && m.text.trim() !== "") || m.multimedia !== undefined, {
    message: "Send a text, a multimedia attachment, or both",
    path: ["text"],
  });

export type InboundMessageInput = z.input<typeof inboundMessageSchema>;

/** 202 answer of the inbound route: where the message went and the deliveries it produced. */
export const inboundAcceptedSchema = z.object({
  chatId: z.uuid(),
  messageId: z.uuid(),
  deliveryIds: z.array(z.uuid()),
});

export type InboundAccepted = z.infer<typeof inboundAcceptedSchema>;
