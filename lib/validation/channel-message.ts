import { z } from "zod";

import { E164, normaliseCode } from "./connection";

export const multimediaSchema = z.object({
  url: z
    .string({ error: "Enter a full http(s) URL" })
    .trim()
    .refine((v) => {
      try {
        return ["http:", "https:"].includes(new URL(v).protocol);
      } catch {
        return false;
      }
    }, "Enter a full http(s) URL"),
  caption: z.string().trim().max(1024, "Keep the caption under 1,024 characters").optional(),
});

/**
 * A message typed in the simulator as an end user would: the sender's number, text and/or an image
 * URL with a caption. The simulator adapter reads inbound requests with it.
 */
export const simulatorMessageSchema = z
  .object({
    from: z
      .string({ error: "Enter the end user's number in E.164, like +15551234567" })
      .trim()
      .transform(normaliseCode)
      .refine((v) => E164.test(v), "Enter the end user's number in E.164, like +15551234567"),
    text: z.string().trim().max(4096, "Keep the text under 4,096 characters").optional(),
    multimedia: multimediaSchema.optional(),
  })
  .refine((m) => Boolean(m.text) || Boolean(m.multimedia), {
    message: "Type a message or add an image URL",
    path: ["text"],
  });

export type SimulatorMessage = z.output<typeof simulatorMessageSchema>;
