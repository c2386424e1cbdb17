import { z } from "zod";

import { E164, normaliseCode } from "./connection";

const multimediaUrl = z
  .url({ protocol: /^https?$/, error: "Enter the multimedia URL (http:// or https://)" })
  .max(2048, "The multimedia URL is too long");
const caption = z.string().max(1024, "The caption is too long (1,024 characters at most)");
const messageText = z.string().max(4096, "The text is too long (4,096 characters at most)");
const contactNumber = z
  .string({ error: "Enter the contact's number" })
  .trim()
  .transform(normaliseCode)
  .pipe(z.string().regex(E164, "Enter the contact's number in E.164 format, like +15551234567"));

/** Multimedia attached to an end user's message: a public URL and an optional caption. */
export const multimediaSchema = z.object({ url: multimediaUrl, caption: caption.optional() });

/**
 * An end user's message arriving on a connection (the sandbox route
 * POST /api/v1/connections/{connectionId}/inbound, and the simulator): who sent it and what.
 */
export const inboundMessageSchema = z
  .object({
    from: contactNumber,
    text: messageText.optional(),
    multimedia: multimediaSchema.optional(),
    externalId: z
      .string()
      .trim()
      .min(1, "Leave the external id out, or give one")
      .max(200, "The external id is too long (200 characters at most)")
      .optional()
      .meta({
        description:
          "Your own id for the message (as a provider's message id). Sending it again stores nothing new and answers with the first time's ids.",
      }),
  })
  .refine((m) => (m.text !== undefined && m.text.trim() !== "") || m.multimedia !== undefined, {
    message: "Send a text, a multimedia attachment, or both",
    path: ["text"],
  });

export type InboundMessageInput = z.input<typeof inboundMessageSchema>;

/** The Chats simulator's form: an inbound message, flat for the form, and the connection it arrives on. */
export const simulatorMessageSchema = z
  .object({
    connectionId: z.uuid("Choose a connection"),
    from: contactNumber,
    text: messageText,
    imageUrl: z.union([z.literal(""), multimediaUrl]),
    caption,
  })
  .refine((m) => m.text.trim() !== "" || m.imageUrl !== "", {
    message: "Type a message or attach an image",
    path: ["text"],
  })
  .transform(({ connectionId, from, text, imageUrl, caption }) => ({
    connectionId,
    from,
    text: text.trim() ? text : undefined,
    multimedia: imageUrl ? { url: imageUrl, caption: caption || undefined } : undefined,
  }));

/** 202 answer of the inbound route: where the message went and the deliveries it produced. */
export const inboundAcceptedSchema = z.object({
  chatId: z.uuid(),
  messageId: z.uuid(),
  deliveryIds: z.array(z.uuid()),
});

export type InboundAccepted = z.infer<typeof inboundAcceptedSchema>;
