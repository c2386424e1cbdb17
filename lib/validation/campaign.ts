import { z } from "zod";

export const CAMPAIGN_TYPE_LABEL = { KEYWORD: "Keyword", CHATBOT: "Chatbot Service" } as const;
export const CAMPAIGN_STATUS_LABEL = { DRAFT: "Draft", LIVE: "Live", PAUSED: "Paused" } as const;

const base = {
  name: z.string().trim().min(1, "Give the campaign a name").max(80, "At most 80 characters"),
  connectionIds: z.array(z.uuid()).min(1, "Add at least one connection"),
};

/** A new campaign: a Keyword campaign (keyword + auto-reply) or a Chatbot Service campaign (its Custom Webhook). */
export const campaignInputSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("KEYWORD"),
    ...base,
    keyword: z
      .string()
      .trim()
      .min(1, "Enter the keyword contacts will text")
      .max(30, "At most 30 characters")
      .regex(/^[\p{L}\p{N}_-]+$/u, "One word: letters, digits, _ or -"),
    autoReply: z.string().trim().min(1, "Enter the auto-reply text").max(1000, "At most 1000 characters"),
  }),
  z.object({
    type: z.literal("CHATBOT"),
    ...base,
    integrationId: z.uuid("Select a Custom Webhook integration"),
  }),
]);

export type CampaignInput = z.input<typeof campaignInputSchema>;
