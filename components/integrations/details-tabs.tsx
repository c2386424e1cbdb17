"use client";

import type { ComponentType } from "react";

import { Table, Td, Th } from "@/components/ui/table";
import type { IntegrationSummary } from "@/lib/data/integrations";
import { CHANNEL_LABEL } from "@/lib/validation/connection";

import { ChannelIcon } from "./channel-icon";

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
                <span className="inline-flex items-center gap-1.5">
                  <ChannelIcon channel={c.channel} className="size-4 text-slate-500" />
                  {CHANNEL_LABEL[c.channel]}
                </span>
              </Td>
              <Td className="font-mono">{c.code}</Td>
            </tr>
          ))}
        </tbody>
      </Table>
    </div>
  );
}

function Endpoint({ integration }: { integration: IntegrationSummary }) {
  const url = `${window.location.origin}${integrationMessagesPath(integration.id)}`;
  return (
    <p className="rounded border border-slate-200 bg-slate-50 px-2 py-1.5 font-mono text-xs break-all">
      <span className="mr-2 rounded bg-slate-800 px-1.5 py-0.5 font-semibold text-white">POST</span>
      {url}
    </p>
  );
}

function ApiDetails({ integration }: { integration: IntegrationSummary }) {
  return (
    <div className="flex flex-col gap-3 text-sm text-slate-700">
      <p>The endpoint your systems call to answer contacts in chats this integration received:</p>
      <Endpoint integration={integration} />
      <p className="text-slate-600">
        Its headers, parameters and responses are documented here once the platform&apos;s API is available.
      </p>
    </div>
  );
}

function TryOut({ integration }: { integration: IntegrationSummary }) {
  return (
    <div className="flex flex-col gap-3 text-sm text-slate-700">
      <p>Use this URL to send response events to chats the contact started; the chat must already exist.</p>
      <Endpoint integration={integration} />
      <p className="text-slate-600">A console to try it from here comes with the platform&apos;s API.</p>
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
];
