"use client";

import { useQuery } from "@tanstack/react-query";
import { useId } from "react";
import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  Tooltip,
  XAxis,
  YAxis,
  type TooltipContentProps,
} from "recharts";

import { FormMessage } from "@/components/ui/field";
import { Table, Td, Th } from "@/components/ui/table";
import { fetchJson } from "@/lib/json";

import { fillMinutes, summarize, total, type ChartPoint } from "./chart-data";
import { deliveryKeys, LIVE_REFRESH_MS } from "./query-keys";
import type { StatsResponse } from "./types";

// The badges' hues (components/chats/delivery-badge.tsx), a step darker so thin bars stay visible.
const SERIES = [
  { key: "succeeded", name: "Succeeded", color: "#16a34a" },
  { key: "retrying", name: "Retrying", color: "#f59e0b" },
  { key: "failed", name: "Failed", color: "#dc2626" },
  { key: "skipped", name: "Skipped", color: "#475569" },
  { key: "pending", name: "Pending / Delivering", color: "#94a3b8" },
] as const;
const LATENCY = [
  { key: "p50", name: "p50 latency", color: "#2563eb", dash: undefined },
  { key: "p95", name: "p95 latency", color: "#7c3aed", dash: "4 3" },
] as const;

const clock = new Intl.DateTimeFormat("en-US", { hour: "numeric", minute: "2-digit" });
const hhmm = (time: number) => clock.format(time);
const ms = (value: number | null) => (value === null ? "—" : `${value} ms`);

function summaryText(points: ChartPoint[]): string {
  const s = summarize(points);
  if (s.total === 0) return "No deliveries in the last hour.";
  const parts = [`${s.succeeded} Succeeded`, `${s.retrying} Retrying`, `${s.failed} Failed`];
  if (s.skipped) parts.push(`${s.skipped} Skipped`);
  if (s.pending) parts.push(`${s.pending} Pending or Delivering`);
  const slowest = s.slowest
    ? ` Slowest minute: p95 ${s.slowest.p95} ms, p50 ${s.slowest.p50} ms at ${hhmm(s.slowest.time)}.`
    : "";
  const count = `${s.total} ${s.total === 1 ? "delivery" : "deliveries"}`;
  return `${count} in the last hour: ${parts.join(", ")}.${slowest}`;
}

/** One minute's numbers under the pointer (or the arrow keys), in dark text beside each series' colour. */
function MinuteTooltip({ active, payload }: TooltipContentProps) {
  const point = payload?.[0]?.payload as ChartPoint | undefined;
  if (!active || !point) return null;
  if (total(point) === 0) {
    return (
      <div className="rounded-md border border-slate-200 bg-white px-3 py-2 text-xs text-slate-700 shadow-md">
        <span className="font-semibold text-slate-900">{hhmm(point.time)}</span> · No deliveries
      </div>
    );
  }
  const rows = [
    ...SERIES.map((s) => ({ ...s, value: String(point[s.key]) })),
    ...LATENCY.map((l) => ({ ...l, value: ms(point[l.key]) })),
  ];
  return (
    <div className="rounded-md border border-slate-200 bg-white px-3 py-2 text-xs text-slate-900 shadow-md">
      <p className="mb-1 font-semibold">{hhmm(point.time)}</p>
      <ul className="grid grid-cols-[auto_auto] gap-x-3">
        {rows.map((r) => (
          <li key={r.key} className="contents">
            <span className="flex items-center gap-1.5">
              <span aria-hidden className="size-2.5 rounded-sm" style={{ backgroundColor: r.color }} />
              {r.name}
            </span>
            <span className="text-right tabular-nums">{r.value}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * The last hour at a glance: deliveries per minute stacked by outcome, with p50/p95 latency lines. A
 * sentence sums it up and a table under "Show as a table" gives every busy minute, for screen readers.
 */
export function DeliveryChart({ integrationId }: { integrationId: string }) {
  const titleId = useId();
  const summaryId = useId();
  const stats = useQuery({
    queryKey: deliveryKeys.stats(integrationId),
    queryFn: () =>
      fetchJson<StatsResponse>(`/api/portal/integrations/${integrationId}/deliveries/stats?minutes=60`),
    refetchInterval: LIVE_REFRESH_MS,
  });
  const points = stats.data ? fillMinutes(stats.data.minutes, stats.data.windowMinutes) : [];
  const busy = points.filter((p) => total(p) > 0);
  const ticks = points.filter((p) => new Date(p.time).getMinutes() % 10 === 0).map((p) => p.time);

  return (
    <figure aria-labelledby={titleId} aria-describedby={summaryId} className="flex flex-col gap-2">
      <div className="flex flex-wrap items-baseline justify-between gap-x-4">
        <h2 id={titleId} className="text-sm font-semibold text-slate-900">
          Last hour
        </h2>
        <span className="text-xs text-slate-600">Deliveries per minute by outcome · latency p50 / p95</span>
      </div>
      {stats.isError && <FormMessage>Could not load the chart: {stats.error.message}.</FormMessage>}
      <p id={summaryId} className="text-xs text-slate-700">
        {stats.data ? summaryText(points) : stats.isPending ? "Loading…" : ""}
      </p>
      {busy.length > 0 && (
        <>
          <ComposedChart
            responsive
            data={points}
            style={{ width: "100%", height: 200 }}
            margin={{ top: 4, right: 4, bottom: 0, left: 0 }}
            title="Deliveries per minute over the last hour"
            desc="Stacked bars: Succeeded, Retrying, Failed, Skipped, Pending. Lines: p50 and p95 latency in milliseconds."
          >
            <CartesianGrid vertical={false} stroke="#e2e8f0" />
            <XAxis
              dataKey="time"
              ticks={ticks}
              tickFormatter={hhmm}
              tick={{ fontSize: 11, fill: "#475569" }}
              tickLine={false}
              axisLine={{ stroke: "#cbd5e1" }}
            />
            <YAxis
              yAxisId="count"
              allowDecimals={false}
              width={32}
              tick={{ fontSize: 11, fill: "#475569" }}
              tickLine={false}
              axisLine={false}
            />
            <YAxis
              yAxisId="ms"
              orientation="right"
              width={56}
              tickFormatter={(v: number) => `${v} ms`}
              tick={{ fontSize: 11, fill: "#475569" }}
              tickLine={false}
              axisLine={false}
            />
            <Tooltip content={MinuteTooltip} />
            <Legend
              itemSorter={null}
              iconSize={10}
              wrapperStyle={{ fontSize: 12 }}
              // Series names in dark text (the default colours them, too light for amber and grey).
              formatter={(name: string) => <span className="text-slate-700">{name}</span>}
            />
            {SERIES.map((s) => (
              <Bar
                key={s.key}
                yAxisId="count"
                dataKey={s.key}
                name={s.name}
                stackId="outcome"
                fill={s.color}
                isAnimationActive={false}
              />
            ))}
            {LATENCY.map((l) => (
              <Line
                key={l.key}
                yAxisId="ms"
                dataKey={l.key}
                name={l.name}
                stroke={l.color}
                strokeWidth={2}
                strokeDasharray={l.dash}
                // Dots too: a single busy minute has no segment to draw.
                dot={{ r: 3, fill: l.color, stroke: "#fff", strokeWidth: 1 }}
                activeDot={{ r: 4 }}
                connectNulls
                isAnimationActive={false}
              />
            ))}
          </ComposedChart>
          <details className="text-xs">
            <summary className="cursor-pointer font-medium text-slate-700">Show as a table</summary>
            <Table aria-label="Deliveries per minute" className="mt-2 text-xs">
              <thead>
                <tr>
                  <Th>Minute</Th>
                  {SERIES.map((s) => (
                    <Th key={s.key} className="text-right">
                      {s.name}
                    </Th>
                  ))}
                  <Th className="text-right">p50</Th>
                  <Th className="text-right">p95</Th>
                </tr>
              </thead>
              <tbody>
                {busy.map((p) => (
                  <tr key={p.time}>
                    <Td>{hhmm(p.time)}</Td>
                    {SERIES.map((s) => (
                      <Td key={s.key} className="text-right tabular-nums">
                        {p[s.key]}
                      </Td>
                    ))}
                    <Td className="text-right tabular-nums">{ms(p.p50)}</Td>
                    <Td className="text-right tabular-nums">{ms(p.p95)}</Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          </details>
        </>
      )}
    </figure>
  );
}
