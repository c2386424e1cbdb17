import type { deliveryStats, getDelivery, listDeliveries } from "@/lib/data/deliveries";
import type { Serialized } from "@/lib/json";
import type { AttemptErrorClass } from "@/lib/webhooks/send";

// What the browser gets from the portal's delivery endpoints and actions (dates as ISO strings).

export type DeliveryPage = Serialized<Awaited<ReturnType<typeof listDeliveries>>>;
export type DeliveryRow = DeliveryPage["deliveries"][number];
export type DeliveryDetail = Serialized<NonNullable<Awaited<ReturnType<typeof getDelivery>>>>;
export type StatsMinute = Serialized<Awaited<ReturnType<typeof deliveryStats>>[number]>;
export interface StatsResponse {
  minutes: StatsMinute[];
  windowMinutes: number;
}

/**
 * One attempt as the attempt view shows it: a logged attempt (JSON, dates as strings), or the one a
 * test event just made (a server action's answer keeps its Date).
 */
export interface ShownAttempt {
  startedAt: string | Date;
  durationMs: number;
  /** Null when it could not be read back from the log. */
  request: { method: string; url: string; headers: Record<string, string>; body: string | null } | null;
  responseStatus: number | null;
  responseHeaders: Record<string, string> | null;
  responseBody: string | null;
  errorClass: AttemptErrorClass | null;
  errorMessage: string | null;
}
