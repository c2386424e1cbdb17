import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";

import { CampaignStatusBadge } from "@/components/campaigns/status-badge";
import { Card, PageHeader } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import { requireSession } from "@/lib/auth";
import { campaignReport, getCampaign } from "@/lib/data/campaigns";
import { CAMPAIGN_TYPE_LABEL } from "@/lib/validation/campaign";
import { connectionLabel } from "@/lib/validation/connection";
import { isUuid } from "@/lib/validation/ids";

import { CampaignActions } from "./campaign-actions";

export const metadata: Metadata = { title: "Campaign report" };

export default async function CampaignReportPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { accountId } = await requireSession();
  const campaign = isUuid(id) ? await getCampaign(accountId, id) : null;
  if (!campaign) notFound();
  const report = await campaignReport(accountId, id);
  const figures = [
    { label: "Messages in", value: report.messagesIn },
    { label: "Messages out", value: report.messagesOut },
    { label: "Open chats", value: report.chatsOpen },
    { label: "Closed chats", value: report.chatsClosed },
  ];
  const deliveryFigures = [
    { label: "Succeeded", value: report.deliveriesSucceeded, color: "bg-green-600" },
    { label: "Pending or retrying", value: report.deliveriesWaiting, color: "bg-amber-500" },
    { label: "Failed", value: report.deliveriesFailed, color: "bg-red-600" },
    { label: "Skipped", value: report.deliveriesSkipped, color: "bg-slate-500" },
  ];
  const deliveryTotal = deliveryFigures.reduce((s, f) => s + f.value, 0);

  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/campaigns" className="text-brand-700 hover:underline">
          ← Campaigns
        </Link>
      </p>
      <PageHeader
        title={campaign.name}
        description={
          <span className="inline-flex items-center gap-2">
            {CAMPAIGN_TYPE_LABEL[campaign.type]} campaign · Report{" "}
            <CampaignStatusBadge status={campaign.status} />
          </span>
        }
        actions={<CampaignActions id={campaign.id} name={campaign.name} status={campaign.status} />}
      />
      <div className="grid gap-6 lg:grid-cols-[1fr_22rem]">
        <div className="grid content-start gap-6">
          <section aria-label="Activity" className="grid gap-2">
            <div className="grid grid-cols-2 gap-3 sm:grid-cols-4">
              {figures.map((f) => (
                <Card key={f.label} className="p-4">
                  <p className="text-xs font-medium text-slate-500 uppercase">{f.label}</p>
                  <p className="mt-1 text-2xl font-semibold tabular-nums">
                    {f.value.toLocaleString("en-US")}
                  </p>
                </Card>
              ))}
            </div>
            <p className="text-xs text-slate-500">
              Since the campaign began, including what is past the data retention period.
            </p>
          </section>
          {campaign.type === "CHATBOT" && (
            <Card className="p-5">
              <h2 className="mb-3 text-base font-semibold">Deliveries to the Custom Webhook</h2>
              {deliveryTotal === 0 ? (
                <p className="text-sm text-slate-600">No events delivered yet.</p>
              ) : (
                <>
                  <div className="flex h-3 overflow-hidden rounded-full bg-slate-100" aria-hidden>
                    {deliveryFigures.map((f) => (
                      <div
                        key={f.label}
                        className={f.color}
                        style={{ width: `${(f.value / deliveryTotal) * 100}%` }}
                      />
                    ))}
                  </div>
                  <dl className="mt-3 grid grid-cols-3 gap-2 text-sm">
                    {deliveryFigures.map((f) => (
                      <div key={f.label}>
                        <dt className="text-slate-500">{f.label}</dt>
                        <dd className="font-semibold tabular-nums">{f.value.toLocaleString("en-US")}</dd>
                      </div>
                    ))}
                  </dl>
                </>
              )}
            </Card>
          )}
        </div>
        <Card className="h-fit p-5">
          <h2 className="mb-3 text-base font-semibold">Details</h2>
          <dl className="grid gap-3 text-sm">
            <div>
              <dt className="text-slate-500">Campaign Id</dt>
              <dd className="font-mono text-xs">{campaign.id}</dd>
            </div>
            <div>
              <dt className="text-slate-500">Connections</dt>
              <dd>{campaign.connections.map(connectionLabel).join(", ") || "—"}</dd>
            </div>
            {campaign.type === "KEYWORD" ? (
              <>
                <div>
                  <dt className="text-slate-500">Keyword</dt>
                  <dd className="font-mono">{campaign.keyword}</dd>
                </div>
                <div>
                  <dt className="text-slate-500">Auto-reply</dt>
                  <dd>{campaign.autoReply}</dd>
                </div>
              </>
            ) : (
              <>
                <div>
                  <dt className="text-slate-500">Custom Webhook</dt>
                  <dd>{campaign.integrationAlias ?? "—"}</dd>
                </div>
                <div>
                  <dt className="text-slate-500">Integration Date</dt>
                  <dd>
                    <LocalTime value={campaign.integrationDate} />
                  </dd>
                </div>
              </>
            )}
          </dl>
        </Card>
      </div>
    </>
  );
}
