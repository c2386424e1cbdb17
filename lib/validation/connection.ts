import { z } from "zod";

export const CHANNELS = ["SMS", "WHATSAPP"] as const;
export const CHANNEL_LABEL: Record<(typeof CHANNELS)[number], string> = { SMS: "SMS", WHATSAPP: "WhatsApp" };

/** An E.164 phone number with its `+` (7–15 digits, no leading 0): the one pattern for numbers everywhere. */
export const E164 = /^\+[1-9]\d{6,14}$/;
const SHORT_CODE = /^\d{3,8}$/;

/** A contact's number as stored: E.164, or an SMS short code (3–8 digits). */
export const isContactNumber = (code: string) => E164.test(code) || SHORT_CODE.test(code);

/** Removes the spaces, dashes, dots and brackets people type inside phone numbers. */
export const normaliseCode = (raw: string) => raw.replace(/[\s\-.()]/g, "");

export const connectionInputSchema = z
  .object({
    channel: z.enum(CHANNELS, { error: "Choose SMS or WhatsApp" }),
    code: z.string().trim().min(1, "Enter the number or short code").transform(normaliseCode),
  })
  .superRefine(({ channel, code }, ctx) => {
    if (channel === "SMS" && !E164.test(code) && !SHORT_CODE.test(code)) {
      ctx.addIssue({
        code: "custom",
        path: ["code"],
        message: "An SMS code is an E.164 number (like +15551234567) or a 3–8 digit short code",
      });
    }
    if (channel === "WHATSAPP" && !E164.test(code)) {
      ctx.addIssue({
        code: "custom",
        path: ["code"],
        message: "A WhatsApp code is an E.164 number, like +15551234567",
      });
    }
  });

export type ConnectionInput = z.input<typeof connectionInputSchema>;

/** "SMS – +15551234567": channel on the left, code on the right, as the spec's dropdown reads. */
export const connectionLabel = (c: { channel: (typeof CHANNELS)[number]; code: string }) =>
  `${CHANNEL_LABEL[c.channel]} – ${c.code}`;
