import type { EventVariables } from "./types";

/** What a delivery stores: the event's variables when it happened, all but its own delivery id. */
export type EventPayload = Omit<EventVariables, "deliveryId">;

/** The variables a request is built from: the stored snapshot plus the delivery's id. */
export function eventVariables(payload: EventPayload, deliveryId: string): EventVariables {
  return { ...payload, deliveryId };
}
