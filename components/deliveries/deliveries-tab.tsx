"use client";

import { Maximize2 } from "lucide-react";
import Link from "next/link";
import { useState } from "react";

import { Button } from "@/components/ui/button";
import type { IntegrationSummary } from "@/lib/data/integrations";

import { DeliveryLog } from "./delivery-log";
import { deliveriesPagePath, filtersToParams, NO_FILTERS } from "./filters";

/** The Details dialog's Deliveries tab: the log with its filters in the tab, and a way to the full page. */
export function DeliveriesTab({ integration }: { integration: IntegrationSummary }) {
  const [filters, setFilters] = useState(NO_FILTERS);
  return (
    <DeliveryLog
      integrationId={integration.id}
      filters={filters}
      onFiltersChange={setFilters}
      actions={
        <Button variant="ghost" size="sm" asChild>
          <Link href={deliveriesPagePath(integration.id, filtersToParams(filters))}>
            <Maximize2 aria-hidden className="size-4" />
            Open full page
          </Link>
        </Button>
      }
    />
  );
}
