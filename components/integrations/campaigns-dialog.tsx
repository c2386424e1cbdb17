"use client";

import { Megaphone } from "lucide-react";
import Link from "next/link";

import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogTrigger } from "@/components/ui/dialog";
import { LocalTime } from "@/components/ui/local-time";
import { Table, Td, Th } from "@/components/ui/table";
import type { IntegrationSummary } from "@/lib/data/integrations";

/** The card's Campaigns icon: which Live Chatbot Service campaigns use this integration, and since when. */
export function CampaignsDialog({ integration }: { integration: IntegrationSummary }) {
  return (
    <Dialog>
      <DialogTrigger asChild>
        <Button variant="ghost" size="icon" aria-label="Campaigns" title="Campaigns">
          <Megaphone aria-hidden className="size-4" />
        </Button>
      </DialogTrigger>
      <DialogContent
        title="Custom Webhook"
        description={`Campaigns linked to “${integration.alias}”`}
        size="lg"
      >
        <Table aria-label="Linked campaigns" stack>
          <thead>
            <tr>
              <Th>Campaign Id</Th>
              <Th>Campaign Name</Th>
              <Th>Integration Date</Th>
            </tr>
          </thead>
          <tbody>
            {integration.liveCampaigns.map((c) => (
              <tr key={c.id}>
                <Td label="Campaign Id" className="font-mono text-xs break-all">
                  {c.id}
                </Td>
                <Td label="Campaign Name">
                  <Link href={`/campaigns/${c.id}`} className="text-brand-700 hover:underline">
                    {c.name}
                  </Link>
                </Td>
                <Td label="Integration Date">
                  <LocalTime value={c.integrationDate} />
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      </DialogContent>
    </Dialog>
  );
}
