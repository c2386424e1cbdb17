import type { EventType } from "@/db/schema";

import type { ConnectionRoute } from "./routing";
import type { EventVariables } from "./types";

/** What a delivery stores: the event's variables when it happened, all but its own delivery id. */
export type EventPayload = Omit<EventVariables, "deliveryId">;

/** The snapshot of a chat event for the integration its connection routes to. */
export function eventPayload(
  route: ConnectionRoute & { integrationId: string },
  event: {
    event: EventType;
    /** Null while the chat is being opened in the same statement (the SQL fills it in). */
    chatId: string | null;
    contact: string;
    text?: string | null;
    multimediaUrl?: string | null;
    multimediaCaption?: string | null;
    /** A stored delivery's is replaced by when it was stored (its created_at; lib/webhooks/enqueue.ts). */
    timestamp: string;
  },
): EventPayload {
  return {
    chatId: event.chatId,
    contact: event.contact,
    event: event.event,
    text: event.text ?? null,
    multimediaUrl: event.multimediaUrl ?? null,
    multimediaCaption: event.multimediaCaption ?? null,
    channel: route.channel,
    connectionCode: route.code,
    integrationId: route.integrationId,
    alias: route.alias,
    timestamp: event.timestamp,
  };
}

/**
 * SQL for a delivery's whole payload, the deliveries row being `alias`: deliveries store it without what
 * the row and its message repeat, and event_payload() puts those back (migration 0017).
 */
export const deliveryPayloadSql = (alias: string) => `event_payload(${alias})`;

/** The variables a request is built from: the stored snapshot plus the delivery's id. */
export function eventVariables(payload: EventPayload, deliveryId: string): EventVariables {
  return { ...payload, deliveryId };
}
