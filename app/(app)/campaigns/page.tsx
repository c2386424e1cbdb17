import type { Metadata } from "next";

import { Badge, Card, EmptyState, PageHeader } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { requireSession } from "@/lib/auth";
import { listCampaigns } from "@/lib/data/campaigns";
import { connectionLabel } from "@/lib/validation/connection";

export const metadata: Metadata = { title: "Campaigns" };

const TYPE_LABEL = { KEYWORD: "Keyword", CHATBOT: "Chatbot Service" } as const;
const STATUS_TONE = { LIVE: "green", DRAFT: "slate", PAUSED: "amber" } as const;
const STATUS_LABEL = { LIVE: "Live", DRAFT: "Draft", PAUSED: "Paused" } as const;

export default async function CampaignsPage() {
  const { accountId } = await requireSession();
  const campaigns = await listCampaigns(accountId);
  return (
    <>
      <PageHeader
        title="Campaigns"
        description="Keyword and Chatbot Service campaigns. Creating and editing campaigns is not available yet."
      />
      {campaigns.length === 0 ? (
        <EmptyState title="No campaigns yet" />
      ) : (
        <Card>
          <Table>
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>Type</Th>
                <Th>Status</Th>
                <Th>Connections</Th>
              </tr>
            </thead>
            <tbody>
              {campaigns.map((c) => (
                <tr key={c.id}>
                  <Td className="font-medium">{c.name}</Td>
                  <Td>{TYPE_LABEL[c.type]}</Td>
                  <Td>
                    <Badge tone={STATUS_TONE[c.status]}>{STATUS_LABEL[c.status]}</Badge>
                  </Td>
                  <Td>{c.connections.length ? c.connections.map(connectionLabel).join(", ") : "—"}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </Card>
      )}
    </>
  );
}
