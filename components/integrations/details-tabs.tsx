"use client";

import type { ComponentType } from "react";

import { DeliveriesTab } from "@/components/deliveries/deliveries-tab";
import { Table, Td, Th } from "@/components/ui/table";
import type { IntegrationSummary } from "@/lib/data/integrations";

import { ApiDetails } from "./api-details";
import { ChannelName } from "@/components/ui/channel";
import { TryOut } from "./try-out";

/** One tab of the Details dialog. */
export interface DetailsTab {
  value: string;
  label: string;
  content: ComponentType<{ integration: IntegrationSummary }>;
}

/** The API path external systems post replies to (the Try Out URL). */
export const integrationMessagesPath = (id: string) => `/api/v1/integrations/${id}/messages`;

function ConnectionsDetails({ integration }: { integration: IntegrationSummary }) {
  if (integration.connections.length === 0) {
    return (
      <p className="text-sm text-slate-600">
        No connections. This integration is meant for a Chatbot Service campaign: link it from the campaign
        once it is Active.
      </p>
    );
  }
  return (
    <div className="rounded-md border border-slate-200">
      <Table aria-label="Connections Details">
        <thead>
          <tr>
            <Th>Channel</Th>
            <Th>Number / code</Th>
          </tr>
        </thead>
        <tbody>
          {integration.connections.map((c) => (
            <tr key={c.id}>
              <Td>
                <ChannelName channel={c.channel} />
              </Td>
              <Td className="font-mono">{c.code}</Td>
            </tr>
          ))}
        </tbody>
      </Table>
    </div>
  );
}

/**
 * The Details dialog's tabs, in order. To add one (Deliveries, say), append
 * `{ value, label, content }`; to fill API Details or Try Out, replace their `content`.
 */
export const DETAILS_TABS: DetailsTab[] = [
  { value: "connections", label: "Connections Details", content: ConnectionsDetails },
  { value: "api", label: "API Details", content: ApiDetails },
  { value: "try-out", label: "Try Out", content: TryOut },
  { value: "deliveries", label: "Deliveries", content: DeliveriesTab },
];
