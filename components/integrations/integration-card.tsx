"use client";

import {
  Activity,
  AlertTriangle,
  Hourglass,
  MoreVertical,
  Pencil,
  Square,
  Trash2,
  Webhook,
} from "lucide-react";
import { useRouter } from "next/navigation";
import { useId } from "react";

import { deliveriesPagePath } from "@/components/deliveries/filters";
import { Button } from "@/components/ui/button";
import { Badge, Card } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { CopyButton } from "@/components/ui/copy-button";
import { Menu, MenuContent, MenuItem, MenuTrigger } from "@/components/ui/menu";
import type { IntegrationSummary } from "@/lib/data/integrations";
import { CHANNEL_LABEL } from "@/lib/validation/connection";
import { joinUrl } from "@/lib/webhooks/url";
import { waitingEventsText } from "@/lib/webhooks/waiting-count";

import { CampaignsDialog } from "./campaigns-dialog";
import { ChannelIcon } from "@/components/ui/channel";
import { DetailsDialog } from "./details-dialog";
import { FailingNotice } from "./failing-notice";

export interface IntegrationCardProps {
  integration: IntegrationSummary;
  onStart: () => void;
  onStop: () => void;
  onDelete: () => void;
  /** Set while a Start or Stop of this card is on its way to the server. */
  busy?: boolean;
}

/**
 * A saved integration under the Integrations tab: Alias, URL with method, Integration Id, connection
 * icons (grey when Inactive, blue when Active), the Details icon and the Actions menu.
 */
export function IntegrationCard({ integration, onStart, onStop, onDelete, busy }: IntegrationCardProps) {
  const router = useRouter();
  const titleId = useId();
  const active = integration.status === "ACTIVE";
  const url = joinUrl(integration.url, integration.params);

  return (
    <Card className="flex flex-col p-4">
      <article aria-labelledby={titleId} className="flex flex-1 flex-col">
        <div className="flex items-center gap-2">
          <span className="flex items-center gap-1.5 text-xs font-medium tracking-wide whitespace-nowrap text-slate-600 uppercase">
            <Webhook aria-hidden className="size-4" /> Custom Webhook
          </span>
          <span className="ml-auto">
            <Badge tone={!active ? "slate" : integration.failing ? "red" : "green"}>
              {!active ? "Inactive" : integration.failing ? "Failing" : "Active"}
            </Badge>
          </span>
          {integration.liveCampaigns.length > 0 && <CampaignsDialog integration={integration} />}
          <DetailsDialog integration={integration} />
          <Menu>
            <MenuTrigger asChild>
              <Button variant="ghost" size="icon" aria-label="Actions" title="Actions">
                <MoreVertical aria-hidden className="size-4" />
              </Button>
            </MenuTrigger>
            <MenuContent aria-label={`Actions for ${integration.alias}`}>
              <MenuItem onSelect={() => router.push(`/integrations/${integration.id}/edit`)}>
                <Pencil aria-hidden className="size-4" /> Edit
              </MenuItem>
              <MenuItem onSelect={() => router.push(deliveriesPagePath(integration.id))}>
                <Activity aria-hidden className="size-4" /> Deliveries
              </MenuItem>
              {active ? (
                <MenuItem onSelect={onStop} disabled={busy}>
                  <Square aria-hidden className="size-4" /> Stop
                </MenuItem>
              ) : (
                <MenuItem onSelect={onStart} disabled={busy}>
                  Start ▶
                </MenuItem>
              )}
              <MenuItem tone="danger" onSelect={onDelete}>
                <Trash2 aria-hidden className="size-4" /> Delete
              </MenuItem>
            </MenuContent>
          </Menu>
        </div>

        <p className="mt-2 text-xs text-slate-600" aria-hidden>
          Alias
        </p>
        <h3 id={titleId} className="text-lg font-semibold break-words text-slate-900">
          {integration.alias}
        </h3>

        <dl className="mt-3 grid grid-cols-[6.5rem_minmax(0,1fr)] items-center gap-x-3 gap-y-2 text-sm">
          <dt className="text-slate-600">URL</dt>
          <dd className="min-w-0 font-mono text-xs">
            <span className="mr-1.5 rounded bg-slate-800 px-1.5 py-0.5 font-semibold text-white">
              {integration.method}
            </span>
            <span className="break-all">{url}</span>
          </dd>
          <dt className="text-slate-600">Integration Id</dt>
          <dd className="flex min-w-0 items-center gap-1">
            <code className="truncate font-mono text-xs">{integration.id}</code>
            <CopyButton text={integration.id} label="Copy" variant="ghost" aria-label="Copy Integration Id" />
          </dd>
          <dt className="text-slate-600">Connections</dt>
          <dd>
            {integration.connections.length === 0 ? (
              <span className="text-xs text-slate-600">
                {integration.liveCampaigns.length > 0
                  ? `Serves ${integration.liveCampaigns.length === 1 ? "a Live Chatbot Service campaign" : `${integration.liveCampaigns.length} Live Chatbot Service campaigns`}`
                  : "None: for a Chatbot Service campaign"}
              </span>
            ) : (
              <ul aria-label="Connections" className="flex flex-wrap gap-1.5">
                {integration.connections.map((c) => (
                  <li
                    key={c.id}
                    data-active={active}
                    title={`${CHANNEL_LABEL[c.channel]} – ${c.code} (${active ? "active" : "inactive"})`}
                    className="inline-flex items-center gap-1 rounded-full border border-slate-200 px-2 py-0.5 text-xs"
                  >
                    <ChannelIcon
                      channel={c.channel}
                      className={cn("size-4", active ? "text-brand-600" : "text-slate-400")}
                    />
                    <span className="sr-only">{CHANNEL_LABEL[c.channel]}</span>
                    <span className="font-mono text-slate-700">{c.code}</span>
                  </li>
                ))}
              </ul>
            )}
          </dd>
          {integration.maxRatePerSecond !== null && (
            <>
              <dt className="text-slate-600">Delivery rate</dt>
              <dd className="text-xs text-slate-700">
                At most {integration.maxRatePerSecond.toLocaleString("en")}{" "}
                {integration.maxRatePerSecond === 1 ? "request" : "requests"} per second
              </dd>
            </>
          )}
        </dl>

        {!active && integration.waiting > 0 && (
          <p className="mt-3 flex items-start gap-2 rounded-md border border-slate-200 bg-slate-50 px-3 py-2 text-sm text-slate-800">
            <Hourglass aria-hidden className="mt-0.5 size-4 shrink-0" />
            <span>
              <strong className="font-semibold">{waitingEventsText(integration.waiting)} waiting</strong>:
              Start ▶ asks whether to send them in order or skip them.
            </span>
          </p>
        )}

        {active && integration.failing && <FailingNotice failing={integration.failing} />}

        {integration.disabledReason && (
          <p className="mt-3 flex items-start gap-2 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
            <AlertTriangle aria-hidden className="mt-0.5 size-4 shrink-0" />
            <span>
              Deliveries stopped: {integration.disabledReason.replace(/\.$/, "")}. Fix the endpoint, then
              choose Start ▶ to resume.
            </span>
          </p>
        )}
      </article>
    </Card>
  );
}
