import { z } from "zod";

import type { Message } from "@/db/schema";
import { DELIVERY_STATUSES } from "@/lib/validation/deliveries";

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

export const chatOut = z
  .object({
    id: z.uuid(),
    contact: z.string().meta({ description: "The end user's number, E.164", example: "+15551234567" }),
    status: z.enum(["OPEN", "CLOSED"]),
    channel: z.enum(["SMS", "WHATSAPP"]),
    connectionCode: z.string().meta({ description: "The number or short code the contact wrote to" }),
    openedAt: z.iso.datetime(),
    closedAt: z.iso.datetime().nullable(),
    lastMessageAt: z.iso.datetime(),
  })
  .meta({ id: "Chat" });

export type ChatOut = z.infer<typeof chatOut>;

export function toChatOut(c: {
  id: string;
  contact: string;
  status: "OPEN" | "CLOSED";
  channel: "SMS" | "WHATSAPP";
  connectionCode: string;
  openedAt: Date;
  closedAt: Date | null;
  lastMessageAt: Date;
}): ChatOut {
  return {
    id: c.id,
    contact: c.contact,
    status: c.status,
    channel: c.channel,
    connectionCode: c.connectionCode,
    openedAt: c.openedAt.toISOString(),
    closedAt: c.closedAt?.toISOString() ?? null,
    lastMessageAt: c.lastMessageAt.toISOString(),
  };
}

export const chatPageOut = z
  .object({
    chats: z.array(chatOut),
    nextCursor: z
      .string()
      .nullable()
      .meta({ description: "Pass as `cursor` for the next page; null on the last page" }),
  })
  .meta({ id: "ChatPage" });

export const deliveryOut = z
  .object({
    id: z.uuid().meta({ description: "Also the `webhook-id` header of every attempt" }),
    event: z.enum(["MESSAGE", "END"]),
    chatId: z.uuid().nullable().meta({ description: "Null for a test event" }),
    contact: z.string(),
    status: z.enum(DELIVERY_STATUSES).meta({
      description:
        "PENDING (waiting to be sent; also while its integration is stopped), DELIVERING, SUCCEEDED, RETRYING, FAILED, or SKIPPED (it waited while the integration was stopped and was skipped when it was started; never sent)",
    }),
    attempts: z.number().int(),
    lastStatusCode: z.number().int().nullable().meta({ description: "HTTP status of the last attempt" }),
    lastError: z.string().nullable(),
    lastLatencyMs: z.number().int().nullable(),
    nextAttemptAt: z.iso.datetime().nullable().meta({
      description:
        "When a Pending or Retrying delivery is tried next; null while it waits for its integration to be started",
    }),
    test: z.boolean().meta({ description: "Sent with Send test event" }),
    createdAt: z.iso.datetime(),
    completedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: "Delivery" });

export type DeliveryOut = z.infer<typeof deliveryOut>;

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export function toDeliveryOut(d: {
  id: string;
  event: "MESSAGE" | "END";
  chatId: string | null;
  contact: string;
  status: DeliveryOut["status"];
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  lastLatencyMs: number | null;
  nextAttemptAt: Date | string | null;
  isTest: boolean;
  createdAt: Date;
  completedAt: Date | null;
}): DeliveryOut {
  const active = d.status === "PENDING" || d.status === "RETRYING" || d.status === "DELIVERING";
  return {
    id: d.id,
    event: d.event,
    chatId: d.chatId,
    contact: d.contact,
    status: d.status,
    attempts: d.attempts,
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    lastLatencyMs: d.lastLatencyMs,
    nextAttemptAt: active ? iso(d.nextAttemptAt) : null,
    test: d.isTest,
    createdAt: d.createdAt.toISOString(),
    completedAt: iso(d.completedAt),
  };
}

export const deliveryPageOut = z
  .object({
    deliveries: z.array(deliveryOut),
    nextCursor: z
      .string()
      .nullable()
      .meta({ description: "Pass as `cursor` for the next page; null on the last page" }),
    retentionDays: z.number().int().meta({
      description:
        "How many days the account keeps finished deliveries (Settings → Data retention); older ones are gone. Unfinished ones are kept until they finish",
    }),
  })
  .meta({ id: "DeliveryPage" });
