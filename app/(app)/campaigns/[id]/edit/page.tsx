import { Pause } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";

import { CampaignForm } from "@/components/campaigns/campaign-form";
import { Button } from "@/components/ui/button";
import { Card, PageHeader } from "@/components/ui/card";
import { requireSession } from "@/lib/auth";
import { getCampaign, listCampaignConnectionChoices, listIntegrationChoices } from "@/lib/data/campaigns";
import type { CampaignInput } from "@/lib/validation/campaign";
import { isUuid } from "@/lib/validation/ids";

export const metadata: Metadata = { title: "Edit campaign" };

export default async function EditCampaignPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { accountId } = await requireSession();
  const campaign = isUuid(id) ? await getCampaign(accountId, id) : null;
  if (!campaign) notFound();
  const back = (
    <p className="mb-2 text-sm">
      <Link href={`/campaigns/${id}`} className="text-brand-700 hover:underline">
        ← Report of {campaign.name}
      </Link>
    </p>
  );

  if (campaign.status === "LIVE") {
    return (
      <>
        {back}
        <PageHeader title={`Edit ${campaign.name}`} />
        <Card className="flex max-w-2xl flex-col items-start gap-3 p-5">
          <h2 className="text-base font-semibold">Pause the campaign to edit it</h2>
          <p className="text-sm text-slate-600">
            “{campaign.name}” is Live: it is answering messages now, so its settings cannot change. Pause it
            from its Report, edit it, then put it Live again.
          </p>
          <Button asChild variant="secondary">
            <Link href={`/campaigns/${id}`}>
              <Pause aria-hidden className="size-4" /> Go to the Report
            </Link>
          </Button>
        </Card>
      </>
    );
  }

  const [connections, integrations] = await Promise.all([
    listCampaignConnectionChoices(accountId),
    listIntegrationChoices(accountId),
  ]);
  // A linked integration that can no longer be selected is not offered: the user picks another.
  const integrationId = integrations.some((i) => i.id === campaign.integrationId && !i.unavailableReason)
    ? campaign.integrationId!
    : "";
  const values: CampaignInput =
    campaign.type === "KEYWORD"
      ? {
          type: "KEYWORD",
          name: campaign.name,
          keyword: campaign.keyword ?? "",
          autoReply: campaign.autoReply ?? "",
          connectionIds: campaign.connections.map((c) => c.id),
        }
      : {
          type: "CHATBOT",
          name: campaign.name,
          integrationId,
          connectionIds: campaign.connections.map((c) => c.id),
        };
  return (
    <>
      {back}
      <PageHeader
        title={`Edit ${campaign.name}`}
        description={
          campaign.status === "PAUSED"
            ? "The campaign stays Paused; put it Live again from its Report."
            : "The campaign stays a Draft; put it Live from its Report."
        }
      />
      <CampaignForm
        connections={connections}
        integrations={integrations}
        campaign={{ id: campaign.id, values }}
      />
    </>
  );
}
