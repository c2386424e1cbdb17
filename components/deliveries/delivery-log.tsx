"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";

import { Button } from "@/components/ui/button";
import { FormMessage } from "@/components/ui/field";
import { fetchJson } from "@/lib/json";

import { DeliveryChart } from "./delivery-chart";
import { DeliveryDetailDialog } from "./delivery-detail-dialog";
import { DeliveryFilters } from "./delivery-filters";
import { DeliveryTable } from "./delivery-table";
import { deliveriesUrl, filtersToParams, hasFilters, type LogFilters } from "./filters";
import { deliveryKeys, LIVE_REFRESH_MS } from "./query-keys";
import { ReplayFailedDialog } from "./replay-failed-dialog";
import { SendTestEventButton } from "./send-test-event";
import type { DeliveryPage } from "./types";
import { formatDays } from "@/lib/validation/retention";

export interface DeliveryLogProps {
  integrationId: string;
  filters: LogFilters;
  onFiltersChange: (next: LogFilters) => void;
  /** The first page for `initialFilters`, rendered on the server. */
  initialPage?: DeliveryPage;
  initialFilters?: LogFilters;
  /** More buttons beside Send test event and Replay failed (the tab's link to the full page). */
  actions?: ReactNode;
}

/**
 * The Deliveries view of one integration — in the Details dialog's tab and on its own page: the last
 * hour's chart, filters, the live list (polled) with Load more, the attempt view, Resend, Replay failed
 * and Send test event. Where the filters live (URL or component state) is the caller's choice.
 */
export function DeliveryLog({
  integrationId,
  filters,
  onFiltersChange,
  initialPage,
  initialFilters,
  actions,
}: DeliveryLogProps) {
  const [viewing, setViewing] = useState<{ id: string; opener: HTMLElement } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const sameAsInitial =
    !!initialFilters && filtersToParams(initialFilters).toString() === filtersToParams(filters).toString();
  const list = useInfiniteQuery({
    queryKey: deliveryKeys.list(integrationId, filters),
    queryFn: ({ pageParam }) =>
      fetchJson<DeliveryPage>(deliveriesUrl(integrationId, filters, { cursor: pageParam })),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    initialData: initialPage && sameAsInitial ? { pages: [initialPage], pageParams: [null] } : undefined,
    refetchInterval: LIVE_REFRESH_MS,
  });
  // A delivery can move between pages while they are refetched one after another; show it once.
  const rows = [...new Map(list.data?.pages.flatMap((p) => p.deliveries).map((d) => [d.id, d])).values()];

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center justify-end gap-2">
        <SendTestEventButton integrationId={integrationId} />
        <ReplayFailedDialog
          integrationId={integrationId}
          filters={filters}
          onReplayed={(n) =>
            setNotice(
              n === 0
                ? "No failed deliveries to replay."
                : `Replayed ${n} failed ${n === 1 ? "delivery" : "deliveries"}: ${n === 1 ? "it goes" : "they go"} out again in order.`,
            )
          }
        />
        {actions}
      </div>
      {notice && <FormMessage tone="success">{notice}</FormMessage>}

      <div className="rounded-md border border-slate-200 bg-white p-4">
        <DeliveryChart integrationId={integrationId} />
      </div>

      <DeliveryFilters filters={filters} onChange={onFiltersChange} />
      {list.isError && (
        <FormMessage>
          Could not load the deliveries: {list.error.message}.{" "}
          {rows.length > 0 && "Showing the last ones loaded. "}
          Retrying…
        </FormMessage>
      )}

      {list.data && (
        <p className="text-xs text-slate-500">
          Finished deliveries are kept for {formatDays(list.data.pages[0]!.retentionDays)} (Settings → Data
          retention).
        </p>
      )}
      {rows.length > 0 ? (
        <DeliveryTable
          rows={rows}
          onView={(id, opener) => setViewing({ id, opener })}
          onChat={(chatId) => onFiltersChange({ ...filters, chatId, contact: null })}
        />
      ) : (
        !list.isError && (
          <p className="rounded-md border border-dashed border-slate-300 px-4 py-10 text-center text-sm text-slate-600">
            {list.isPending
              ? "Loading…"
              : hasFilters(filters)
                ? "No deliveries match these filters."
                : "No deliveries yet. Every message a contact sends on this integration's connections appears here — or choose Send test event."}
          </p>
        )
      )}
      {list.hasNextPage && (
        <div className="text-center">
          <Button
            variant="secondary"
            size="sm"
            onClick={() => void list.fetchNextPage()}
            disabled={list.isFetchingNextPage}
          >
            {list.isFetchingNextPage ? "Loading…" : "Load more"}
          </Button>
        </div>
      )}

      <DeliveryDetailDialog
        integrationId={integrationId}
        deliveryId={viewing?.id ?? null}
        returnFocusTo={viewing?.opener}
        onClose={() => setViewing(null)}
      />
    </div>
  );
}
