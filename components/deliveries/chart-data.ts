import type { StatsMinute } from "./types";

/** One minute of the chart: deliveries created in it by current outcome, and their latency. */
export interface ChartPoint {
  /** The minute's start, in ms since the epoch. */
  time: number;
  succeeded: number;
  retrying: number;
  failed: number;
  /** Waited while the integration was stopped, and skipped at its Start. */
  skipped: number;
  /** Pending or Delivering. */
  pending: number;
  p50: number | null;
  p95: number | null;
}

const MINUTE = 60_000;
const round = (ms: number | null) => (ms === null ? null : Math.round(ms));

/** Every minute of the window, oldest first, quiet minutes as zeros, so the time axis has no gaps. */
export function fillMinutes(stats: StatsMinute[], windowMinutes: number, now = Date.now()): ChartPoint[] {
  const byMinute = new Map(stats.map((s) => [Date.parse(s.minute), s]));
  const last = Math.floor(now / MINUTE) * MINUTE;
  return Array.from({ length: windowMinutes }, (_, i) => {
    const time = last - (windowMinutes - 1 - i) * MINUTE;
    const s = byMinute.get(time);
    return {
      time,
      succeeded: s?.succeeded ?? 0,
      retrying: s?.retrying ?? 0,
      failed: s?.failed ?? 0,
      skipped: s?.skipped ?? 0,
      pending: s?.pending ?? 0,
      p50: round(s?.p50LatencyMs ?? null),
      p95: round(s?.p95LatencyMs ?? null),
    };
  });
}

export const total = (p: ChartPoint) => p.succeeded + p.retrying + p.failed + p.skipped + p.pending;

/** The window in a few numbers: totals by outcome and the slowest minute (by p95). */
export function summarize(points: ChartPoint[]) {
  const sum = (key: "succeeded" | "retrying" | "failed" | "skipped" | "pending") =>
    points.reduce((n, p) => n + p[key], 0);
  const slowest = points.reduce<ChartPoint | null>(
    (worst, p) => (p.p95 !== null && (worst === null || p.p95 > worst.p95!) ? p : worst),
    null,
  );
  const succeeded = sum("succeeded");
  const retrying = sum("retrying");
  const failed = sum("failed");
  const skipped = sum("skipped");
  const pending = sum("pending");
  return {
    total: succeeded + retrying + failed + skipped + pending,
    succeeded,
    retrying,
    failed,
    skipped,
    pending,
    slowest,
  };
}
