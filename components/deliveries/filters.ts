import type { DeliveryStatus, EventType } from "@/db/schema";
import type { DeliveryFilter } from "@/lib/data/deliveries";
import { contactFilterSchema, DELIVERY_STATUSES, EVENT_TYPES } from "@/lib/validation/deliveries";
import { isUuid } from "@/lib/validation/ids";
import { isStorableInstant } from "@/lib/validation/time";

// The delivery log's filters and how they travel: in the page's URL (so reloads and links keep them),
// and as the query string of the portal's list endpoint. No React here.

export const TIME_RANGES = {
  all: { label: "All time", ms: null },
  "1h": { label: "Last hour", ms: 3_600_000 },
  "24h": { label: "Last 24 hours", ms: 86_400_000 },
  "7d": { label: "Last 7 days", ms: 7 * 86_400_000 },
  custom: { label: "Custom range…", ms: null },
} as const;
export type TimeRange = keyof typeof TIME_RANGES;

export interface LogFilters {
  status: DeliveryStatus | null;
  event: EventType | null;
  /** A contact's number, exact. */
  contact: string | null;
  chatId: string | null;
  range: TimeRange;
  /** ISO instants of a custom range (either end may be open). */
  from: string | null;
  to: string | null;
  /** Show Send test event deliveries too (Default: true). */
  tests: boolean;
}

export const NO_FILTERS: LogFilters = {
  status: null,
  event: null,
  contact: null,
  chatId: null,
  range: "all",
  from: null,
  to: null,
  tests: true,
};

const oneOf = <T extends string>(values: readonly T[], value: string | null): T | null =>
  values.includes(value as T) ? (value as T) : null;
const instant = (value: string | null) => (value && isStorableInstant(new Date(value)) ? value : null);

/** The filters a URL says; anything malformed is ignored. */
export function filtersFromParams(params: URLSearchParams): LogFilters {
  const from = instant(params.get("from"));
  const to = instant(params.get("to"));
  const range = oneOf(["1h", "24h", "7d"] as const, params.get("range"));
  return {
    status: oneOf(DELIVERY_STATUSES, params.get("status")),
    event: oneOf(EVENT_TYPES, params.get("event")),
    contact: contactFilterSchema.safeParse(params.get("contact")).data ?? null,
    chatId: isUuid(params.get("chat")) ? params.get("chat") : null,
    range: range ?? (from || to ? "custom" : "all"),
    from: range ? null : from,
    to: range ? null : to,
    tests: params.get("tests") !== "0",
  };
}

/** The URL parameters of `filters`, defaults left out. */
export function filtersToParams(filters: LogFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.status) params.set("status", filters.status);
  if (filters.event) params.set("event", filters.event);
  if (filters.contact) params.set("contact", filters.contact);
  if (filters.chatId) params.set("chat", filters.chatId);
  if (filters.range === "custom") {
    if (filters.from) params.set("from", filters.from);
    if (filters.to) params.set("to", filters.to);
  } else if (filters.range !== "all") {
    params.set("range", filters.range);
  }
  if (!filters.tests) params.set("tests", "0");
  return params;
}

export const hasFilters = (filters: LogFilters) => filtersToParams(filters).size > 0;

/** The instants a time range covers now: relative ranges move with the clock. */
export function timeWindow(filters: LogFilters, now = Date.now()): { from?: Date; to?: Date } {
  const { ms } = TIME_RANGES[filters.range];
  if (ms !== null) return { from: new Date(now - ms) };
  if (filters.range !== "custom") return {};
  return {
    ...(filters.from ? { from: new Date(filters.from) } : {}),
    ...(filters.to ? { to: new Date(filters.to) } : {}),
  };
}

/** What `filters` ask of listDeliveries now (relative ranges resolved against `now`). */
export function listFilter(
  filters: LogFilters,
  now = Date.now(),
): Omit<DeliveryFilter, "integrationId" | "limit" | "cursor"> {
  return {
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.event ? { event: filters.event } : {}),
    ...(filters.contact ? { contact: filters.contact } : {}),
    ...(filters.chatId ? { chatId: filters.chatId } : {}),
    ...timeWindow(filters, now),
    includeTests: filters.tests,
  };
}

/** The list endpoint's URL for one page of `filters` (`status` overrides theirs; the page after `cursor`). */
export function deliveriesUrl(
  integrationId: string,
  filters: LogFilters,
  { cursor, limit, status }: { cursor?: string | null; limit?: number; status?: DeliveryStatus } = {},
): string {
  const wanted = listFilter(status ? { ...filters, status } : filters);
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(wanted)) {
    if (key === "includeTests") {
      if (value === false) params.set(key, "false");
    } else if (value !== undefined) {
      params.set(key, value instanceof Date ? value.toISOString() : String(value));
    }
  }
  if (cursor) params.set("cursor", cursor);
  if (limit) params.set("limit", String(limit));
  const query = params.toString();
  return `/api/portal/integrations/${integrationId}/deliveries${query ? `?${query}` : ""}`;
}

/** An ISO instant as a datetime-local input's value, in the browser's time zone. */
export function toLocalInput(iso: string | null): string {
  if (!iso) return "";
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

/** A datetime-local input's value (the browser's time zone) as an ISO instant, or null when empty. */
export function fromLocalInput(value: string): string | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** The Deliveries page of an integration, with filters when given. */
export function deliveriesPagePath(integrationId: string, params?: URLSearchParams): string {
  const query = params?.toString();
  return `/integrations/${integrationId}/deliveries${query ? `?${query}` : ""}`;
}
