import { filtersToParams, type LogFilters } from "./filters";

/**
 * The react-query keys of the delivery log. Everything of one integration sits under `integration(id)`,
 * so a Resend, Replay or test event refreshes its list, counts and chart with one invalidation.
 */
export const deliveryKeys = {
  integration: (integrationId: string) => ["deliveries", integrationId] as const,
  list: (integrationId: string, filters: LogFilters) =>
    ["deliveries", integrationId, "list", filtersToParams(filters).toString()] as const,
  stats: (integrationId: string) => ["deliveries", integrationId, "stats"] as const,
  failed: (integrationId: string, scope: string) => ["deliveries", integrationId, "failed", scope] as const,
  one: (deliveryId: string) => ["delivery", deliveryId] as const,
};

/** How often the live log and its chart are read again: together, so the two never disagree for long. */
export const LIVE_REFRESH_MS = 3_000;
