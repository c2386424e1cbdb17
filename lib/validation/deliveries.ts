import { z } from "zod";

import type { DeliveryStatus, EventType } from "@/db/schema";

import { unstorableReason } from "./text";
import { instantSchema } from "./time";

// Browser-safe copies of the enums (the schema module pulls in drizzle); `satisfies` keeps them in step.
export const DELIVERY_STATUSES = [
  "PENDING",
  "DELIVERING",
  "SUCCEEDED",
  "RETRYING",
  "FAILED",
  "SKIPPED",
] as const satisfies readonly DeliveryStatus[];
export const EVENT_TYPES = ["MESSAGE", "END"] as const satisfies readonly EventType[];

/** What Start ▶ does with the events that waited while the integration was stopped: send them, or skip them. */
export const WAITING_CHOICES = ["send", "skip"] as const;
export type WaitingChoice = (typeof WAITING_CHOICES)[number];

/** Succeeded, Failed and Skipped are final (each can be resent); the rest may still change. */
export const FINISHED_STATUSES = [
  "SUCCEEDED",
  "FAILED",
  "SKIPPED",
] as const satisfies readonly DeliveryStatus[];
export const isFinished = (status: DeliveryStatus) =>
  (FINISHED_STATUSES as readonly DeliveryStatus[]).includes(status);

const optionalDate = instantSchema.optional();

/** `from` must not be after `to` (the message goes on `to`). */
const rangeInOrder = (v: { from?: Date; to?: Date }) => !v.from || !v.to || v.from <= v.to;
const rangeMessage = { error: "The end must be after the start", path: ["to"] };

/** The log's contact filter: part of a number, as typed. */
export const contactFilterSchema = z
  .string()
  .trim()
  .min(1)
  .max(64, "At most 64 characters")
  .refine((v) => unstorableReason(v) === null, "Type part of a number");

export const integrationIdParamsSchema = z.object({ integrationId: z.uuid() });
export const deliveryIdParamsSchema = z.object({ deliveryId: z.uuid() });

/** GET /api/portal/integrations/{id}/deliveries: the filters of listDeliveries, as query parameters. */
export const deliveryListQuerySchema = z
  .object({
    status: z.enum(DELIVERY_STATUSES).optional(),
    event: z.enum(EVENT_TYPES).optional(),
    chatId: z.uuid({ error: "Enter a chat id" }).optional(),
    contact: contactFilterSchema.optional(),
    from: optionalDate,
    to: optionalDate,
    includeTests: z
      .enum(["true", "false"])
      .default("true")
      .transform((v) => v === "true"),
    cursor: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .refine(rangeInOrder, rangeMessage);

/** GET /api/portal/integrations/{id}/deliveries/stats: the chart's window. */
export const deliveryStatsQuerySchema = z.object({
  minutes: z.coerce
    .number()
    .int()
    .min(5)
    .max(24 * 60)
    .default(60),
});

/** Resend one delivery. */
export const resendDeliverySchema = z.object({ deliveryId: z.uuid() });

/** Replay failed: one integration's Failed deliveries in a time range (open ends allowed) or of one chat. */
export const replayFailedSchema = z
  .object({
    integrationId: z.uuid(),
    from: optionalDate,
    to: optionalDate,
    chatId: z.uuid({ error: "Choose a chat" }).optional(),
  })
  .refine(rangeInOrder, rangeMessage);
export type ReplayFailedInput = z.input<typeof replayFailedSchema>;

/** Send test event. */
export const sendTestEventSchema = z.object({ integrationId: z.uuid() });
