import { ChevronLeft } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";

import { DeliveriesPageLog } from "@/components/deliveries/deliveries-page-log";
import { filtersFromParams, listFilter } from "@/components/deliveries/filters";
import { PageHeader } from "@/components/ui/card";
import { requireSession } from "@/lib/auth";
import { listDeliveries } from "@/lib/data/deliveries";
import { getIntegrationSummary } from "@/lib/data/integrations";
import { serialize } from "@/lib/json";
import { isUuid } from "@/lib/validation/ids";

export const metadata: Metadata = { title: "Deliveries" };

export default async function DeliveriesPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { id } = await params;
  if (!isUuid(id)) notFound();
  const { accountId } = await requireSession();
  const integration = await getIntegrationSummary(accountId, id);
  if (!integration) notFound();
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(await searchParams)) {
    if (typeof value === "string") query.set(key, value);
  }
  const filters = filtersFromParams(query);
  const firstPage = await listDeliveries(accountId, { integrationId: id, ...listFilter(filters) });

  return (
    <>
      <Link
        href="/integrations"
        className="hover:text-brand-700 mb-2 inline-flex items-center gap-1 text-sm text-slate-600"
      >
        <ChevronLeft aria-hidden className="size-4" />
        Integrations
      </Link>
      <PageHeader
        title={`Deliveries · ${integration.alias}`}
        description={
          integration.status === "ACTIVE"
            ? "Every event sent to this Custom Webhook, live: each attempt's request and response, Resend and Replay failed."
            : `This integration is Inactive${integration.disabledReason ? ` (${integration.disabledReason.replace(/\.$/, "")})` : ""}: new chat events are not sent to it, and deliveries already queued wait until you choose Start ▶.`
        }
      />
      <DeliveriesPageLog integrationId={id} initialPage={serialize(firstPage)} initialFilters={filters} />
    </>
  );
}
