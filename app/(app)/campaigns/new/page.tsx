import type { Metadata } from "next";

import { CampaignForm } from "@/components/campaigns/campaign-form";
import { PageHeader } from "@/components/ui/card";
import { requireSession } from "@/lib/auth";
import { listCampaignConnectionChoices, listIntegrationChoices } from "@/lib/data/campaigns";

export const metadata: Metadata = { title: "New campaign" };

export default async function NewCampaignPage() {
  const { accountId } = await requireSession();
  const [connections, integrations] = await Promise.all([
    listCampaignConnectionChoices(accountId),
    listIntegrationChoices(accountId),
  ]);
  return (
    <>
      <PageHeader
        title="New campaign"
        description="The campaign starts as a Draft; put it Live from its Report."
      />
      <CampaignForm connections={connections} integrations={integrations} />
    </>
  );
}
