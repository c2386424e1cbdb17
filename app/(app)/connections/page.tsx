import type { Metadata } from "next";

import { PageHeader } from "@/components/ui/card";
import { requireSession } from "@/lib/auth";
import { listConnections } from "@/lib/data/connections";

import { ConnectionsClient } from "./connections-client";

export const metadata: Metadata = { title: "Connections" };

export default async function ConnectionsPage() {
  const { accountId } = await requireSession();
  const connections = await listConnections(accountId);
  return (
    <>
      <PageHeader
        title="Connections"
        description="The SMS numbers, short codes and WhatsApp numbers your contacts write to. A connection feeds either one Custom Webhook integration or campaigns."
      />
      <ConnectionsClient connections={connections} />
    </>
  );
}
