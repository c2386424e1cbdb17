"use client";

import { useSearchParams } from "next/navigation";

import { DeliveryLog } from "./delivery-log";
import { deliveriesPagePath, filtersFromParams, filtersToParams, type LogFilters } from "./filters";
import type { DeliveryPage } from "./types";

/** The Deliveries page's log: its filters live in the URL, so reloads, links and Back keep them. */
export function DeliveriesPageLog({
  integrationId,
  initialPage,
  initialFilters,
}: {
  integrationId: string;
  initialPage: DeliveryPage;
  initialFilters: LogFilters;
}) {
  const filters = filtersFromParams(new URLSearchParams(useSearchParams().toString()));
  // Next.js keeps useSearchParams in step with replaceState, without a server round trip.
  const onFiltersChange = (next: LogFilters) =>
    window.history.replaceState(null, "", deliveriesPagePath(integrationId, filtersToParams(next)));
  return (
    <DeliveryLog
      integrationId={integrationId}
      filters={filters}
      onFiltersChange={onFiltersChange}
      initialPage={initialPage}
      initialFilters={initialFilters}
    />
  );
}
