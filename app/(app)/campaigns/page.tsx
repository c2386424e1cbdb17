import { Megaphone, Plus } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";

import { CampaignStatusBadge } from "@/components/campaigns/status-badge";
import { Button } from "@/components/ui/button";
import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { requireSession } from "@/lib/auth";
import { listCampaigns } from "@/lib/data/campaigns";
import { CAMPAIGN_TYPE_LABEL } from "@/lib/validation/campaign";
import { connectionLabel } from "@/lib/validation/connection";

export const metadata: Metadata = { title: "Campaigns" };

export default async function CampaignsPage() {
  const { accountId } = await requireSession();
  const campaigns = await listCampaigns(accountId);
  const newButton = (
    <Button asChild>
      <Link href="/campaigns/new">
        <Plus aria-hidden className="size-4" /> New campaign
      </Link>
    </Button>
  );
  return (
    <>
      <PageHeader
        title="Campaigns"
        description="Keyword campaigns answer a keyword with an auto-reply. Chatbot Service campaigns hand their chats to a Custom Webhook integration."
        actions={newButton}
      />
      {campaigns.length === 0 ? (
        <EmptyState icon={<Megaphone aria-hidden className="size-8" />} title="No campaigns yet">
          Create a Keyword or Chatbot Service campaign on one of your connections.
        </EmptyState>
      ) : (
        <Card>
          <Table aria-label="Campaigns" stack>
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>Type</Th>
                <Th>Status</Th>
                <Th>Connections</Th>
                <Th>Custom Webhook</Th>
                <Th className="text-right">Actions</Th>
              </tr>
            </thead>
            <tbody>
              {campaigns.map((c) => (
                <tr key={c.id}>
                  <Td label="Name">
                    <Link href={`/campaigns/${c.id}`} className="text-brand-700 font-medium hover:underline">
                      {c.name}
                    </Link>
                    {c.keyword && <span className="ml-1 font-mono text-xs text-slate-500"> {c.keyword}</span>}
                  </Td>
                  <Td label="Type">{CAMPAIGN_TYPE_LABEL[c.type]}</Td>
                  <Td label="Status">
                    <CampaignStatusBadge status={c.status} />
                  </Td>
                  <Td label="Connections">
                    {c.connections.length ? c.connections.map(connectionLabel).join(", ") : "—"}
                  </Td>
                  <Td label="Custom Webhook">{c.integrationAlias ?? "—"}</Td>
                  <Td actions className="text-right">
                    <Button asChild variant="secondary" size="sm">
                      <Link href={`/campaigns/${c.id}`} aria-label={`Report of ${c.name}`}>
                        Report
                      </Link>
                    </Button>
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </Card>
      )}
    </>
  );
}
