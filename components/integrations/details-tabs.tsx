"use client";

import type { ComponentType } from "react";

import { DeliveriesTab } from "@/components/deliveries/deliveries-tab";
import { Table, Td, Th } from "@/components/ui/table";
import type { IntegrationSummary } from "@/lib/data/integrations";

import { ChannelName } from "@/components/ui/channel";
import { FormMessage } from "@/components/ui/field";

import { ApiDetails } from "./api-details";
import { CampaignLink, useLinkedCampaigns } from "./linked-campaigns";
import { TryOut } from "./try-out";

/** One tab of the Details dialog. */
export interface DetailsTab {
  value: string;
  label: string;
  content: ComponentType<{ integration: IntegrationSummary }>;
}

/** The API path external systems post replies to (the Try Out URL). */
export const integrationMessagesPath = (id: string) => `/api/v1/integrations/${id}/messages`;

/**
 * Where an integration without connections gets its chats: from the Chatbot Service campaigns linked
 * to it. What to do next follows its state: Active and serving a Live campaign, Active and waiting for
 * one, linked to a campaign that is not Live, or Inactive.
 */
function ChatbotUse({ integration }: { integration: IntegrationSummary }) {
  const linked = useLinkedCampaigns(integration.id);
  // Until the full list arrives, the card's Live campaigns are already known.
  const campaigns = linked.data ?? integration.liveCampaigns.map((c) => ({ ...c, status: "LIVE" as const }));
  const live = campaigns.filter((c) => c.status === "LIVE");
  const waiting = campaigns.filter((c) => c.status !== "LIVE");
  const active = integration.status === "ACTIVE";
  const list = (items: typeof campaigns, label: string) => (
    <ul aria-label={label} className="mt-1 list-disc pl-5">
      {items.map((c) => (
        <li key={c.id}>
          <CampaignLink campaign={c} />
        </li>
      ))}
    </ul>
  );
  return (
    <div className="flex flex-col gap-3 text-sm text-slate-700" data-testid="chatbot-use">
      <p>
        No connections: this integration receives the chats of the Chatbot Service campaigns linked to it.
      </p>
      {live.length > 0 && (
        <div>
          <p>
            {active ? "Active, serving" : "Inactive, linked to"} the Live{" "}
            {live.length === 1 ? "campaign" : "campaigns"}:
          </p>
          {list(live, "Live campaigns")}
          {!active && (
            <p className="mt-1">Choose Start ▶ in its Actions menu so their chats are sent again.</p>
          )}
        </div>
      )}
      {waiting.length > 0 && (
        <div>
          <p>Linked to {waiting.length === 1 ? "a campaign that is" : "campaigns that are"} not Live:</p>
          {list(waiting, "Campaigns not Live")}
          <p className="mt-1">
            {active
              ? "Their chats come here once they go Live (from their Report)."
              : "Choose Start ▶ in its Actions menu before they go Live: only an Active integration can serve a Live campaign."}
          </p>
        </div>
      )}
      {campaigns.length === 0 &&
        !linked.isPending &&
        (active ? (
          <p>
            It is Active and not linked to any campaign yet: choose it as the Custom Webhook of a Chatbot
            Service campaign (Campaigns → New campaign → Chatbot Service).
          </p>
        ) : (
          <p>
            It is Inactive and not linked to any campaign yet: choose Start ▶ in its Actions menu, then choose
            it as the Custom Webhook of a Chatbot Service campaign (Campaigns → New campaign → Chatbot
            Service).
          </p>
        ))}
      {linked.isError && <FormMessage>Could not load its campaigns: {linked.error.message}.</FormMessage>}
    </div>
  );
}

function ConnectionsDetails({ integration }: { integration: IntegrationSummary }) {
  if (integration.connections.length === 0) return <ChatbotUse integration={integration} />;
  return (
    <div className="rounded-md border border-slate-200">
      <Table aria-label="Connections Details" stack>
        <thead>
          <tr>
            <Th>Channel</Th>
            <Th>Number / code</Th>
          </tr>
        </thead>
        <tbody>
          {integration.connections.map((c) => (
            <tr key={c.id}>
              <Td label="Channel">
                <ChannelName channel={c.channel} />
              </Td>
              <Td label="Number / code" className="font-mono">
                {c.code}
              </Td>
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
