"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";

import { linkedCampaignsAction } from "@/app/(app)/integrations/actions";
import { unwrap } from "@/components/forms/use-action";
import { CAMPAIGN_STATUS_LABEL } from "@/lib/validation/campaign";

import { INTEGRATIONS_QUERY_KEY } from "./query-keys";

/**
 * Every campaign linked to an integration (Live, Draft or Paused), read when a dialog that talks about
 * them opens (null: not needed). Under the cards' key, so a change to the cards refreshes it too.
 */
export function useLinkedCampaigns(integrationId: string | null) {
  return useQuery({
    queryKey: [...INTEGRATIONS_QUERY_KEY, integrationId, "campaigns"],
    queryFn: () => unwrap(linkedCampaignsAction({ id: integrationId! })),
    enabled: !!integrationId,
    staleTime: 0,
  });
}

export type LinkedCampaign = NonNullable<ReturnType<typeof useLinkedCampaigns>["data"]>[number];

/** “Support bot” (Paused), linked to its Report. */
export function CampaignLink({ campaign }: { campaign: Pick<LinkedCampaign, "id" | "name" | "status"> }) {
  return (
    <>
      <Link href={`/campaigns/${campaign.id}`} className="text-brand-700 font-medium hover:underline">
        {campaign.name}
      </Link>{" "}
      <span className="text-slate-600">({CAMPAIGN_STATUS_LABEL[campaign.status]})</span>
    </>
  );
}
