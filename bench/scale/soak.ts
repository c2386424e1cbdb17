// --soak: traffic at a steady rate while a simulated clock runs through retention. Each real second is
// one tick: the generator's own steps (the month's SQL, bench/scale/generate.ts) write `rate` events'
// worth of chats, messages, deliveries and attempts created in that tick's slice of the simulated day,
// with the simulated day's expires_on. At each simulated midnight the app's retention runs with
// `now` = the simulated time (runRetention({ now })), and the traffic tables' sizes are sampled. With a
// short period (3 days) the sizes must level off: the verdict compares the growth of the last K days
// with that of the first K days (K = the period).
import { createBenchDatabase, pointAppAt } from "./db";
import { generate, generatorPool, planChats, runTrafficSteps } from "./generate";
import { tableSizes, totalBytes, type Sizes } from "./sizes";
import { bytes, sleep, table } from "./stats";

import { runRetention, type RetentionStats } from "@/lib/webhooks/retention";

export interface SoakOptions {
  /** Events (deliveries) per real second. */
  rate: number;
  days: number;
  /** Real seconds per simulated day (= ticks per day). */
  daySeconds: number;
  retentionDays: number;
  keep: boolean;
  log?: (line: string) => void;
}

export interface SoakDay {
  day: number;
  date: string;
  sizes: Sizes;
  total: number;
  retention: RetentionStats | null;
  retentionMs: number;
  events: number;
  /** Live rows of the two unpartitioned tables (their sizes also hold dead rows until vacuumed). */
  rows: { chats: number; providerIds: number };
}

export async function soak(opts: SoakOptions) {
  const log = opts.log ?? console.log;
  const database = await createBenchDatabase(opts.keep);
  log(`Soak database ${database.name} (${opts.keep ? "kept" : "dropped at the end"})`);
  const today = new Date();
  const simStart = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()));
  process.env.DATABASE_URL = database.url;
  try {
    await generate({
      url: database.url,
      scale: 0,
      accounts: 20,
      retentionDays: opts.retentionDays,
      keepPlan: true,
      now: simStart,
      log: () => {},
    });
    await pointAppAt(database.url);
    const pool = generatorPool(database.url, 2);
    await pool.query("UPDATE bench_integrations SET down = false");
    const series: SoakDay[] = [];
    const sample = async (
      day: number,
      retention: RetentionStats | null,
      retentionMs: number,
      events: number,
    ) => {
      const sizes = await tableSizes(database.url);
      const { rows: counted } = await pool.query<{ chats: number; providerIds: number }>(
        `SELECT (SELECT count(*) FROM chats)::int AS chats, (SELECT count(*) FROM inbound_message_ids)::int AS "providerIds"`,
      );
      const entry = {
        rows: counted[0]!,
        day,
        date: new Date(simStart.getTime() + day * 86_400_000).toISOString().slice(0, 10),
        sizes,
        total: totalBytes(sizes),
        retention,
        retentionMs,
        events,
      };
      series.push(entry);
      log(
        `    sim day ${String(day).padStart(2)} ${entry.date}: total ${bytes(entry.total).padStart(9)}  ` +
          `(deliveries ${bytes(sizes.deliveries ?? 0)}, attempts ${bytes(sizes.delivery_attempts ?? 0)}, messages ${bytes(sizes.messages ?? 0)}, chats ${bytes(sizes.chats ?? 0)})` +
          ` rows: chats ${entry.rows.chats}, provider ids ${entry.rows.providerIds}` +
          (retention
            ? `  retention ${retentionMs.toFixed(0)} ms, dropped ${retention.daysDropped.length} day(s)`
            : ""),
      );
    };
    // No backlog in the soak: every receiver answers.
    await sample(0, null, 0, 0);
    const chatsPerTick = Math.max(1, Math.round(opts.rate / 10));
    const slice = 86_400_000 / opts.daySeconds;
    let batch = 0;
    for (let day = 0; day < opts.days; day++) {
      let events = 0;
      for (let t = 0; t < opts.daySeconds; t++) {
        const tick = performance.now();
        batch++;
        const from = new Date(simStart.getTime() + day * 86_400_000 + t * slice);
        const to = new Date(from.getTime() + slice);
        const plan = await planChats(pool, {
          batch,
          chats: chatsPerTick,
          from,
          to,
          deliveries: opts.rate,
          openShare: 0,
        });
        const timings = await runTrafficSteps(pool, { batch, now: to, ...plan, log: () => {} }, 2);
        events += timings.find((s) => s.step === "deliveries")?.rows ?? 0;
        await pool.query("DELETE FROM bench_chat_plan WHERE batch = $1", [batch]);
        await sleep(Math.max(0, 1000 - (performance.now() - tick)));
      }
      // Simulated midnight: the retention the workers' sweep runs, at the simulated time.
      const t0 = performance.now();
      const stats = await runRetention({
        now: new Date(simStart.getTime() + (day + 1) * 86_400_000 + 60_000),
      });
      await sample(day + 1, stats, performance.now() - t0, events);
    }
    await pool.end();
    const k = opts.retentionDays;
    const first = series[Math.min(k, series.length - 1)]!.total - series[0]!.total;
    const last = series[series.length - 1]!.total - series[Math.max(0, series.length - 1 - k)]!.total;
    const levelsOff = last <= 0.25 * first;
    // Per table: one that still grows in the last K days as much as in the first K is named.
    const growing = Object.keys(series[0]!.sizes).filter((name) => {
      const f = (series[Math.min(k, series.length - 1)]!.sizes[name] ?? 0) - (series[0]!.sizes[name] ?? 0);
      const l =
        (series[series.length - 1]!.sizes[name] ?? 0) -
        (series[Math.max(0, series.length - 1 - k)]!.sizes[name] ?? 0);
      return l > 64 * 1024 && l > 0.5 * f;
    });
    // chats and inbound_message_ids lose rows by DELETE: their files keep the dead rows until vacuumed.
    const rowsOf = (d: SoakDay, name: string) =>
      name === "chats" ? d.rows.chats : name === "inbound_message_ids" ? d.rows.providerIds : null;
    const note = (name: string) => {
      const a = rowsOf(series[Math.max(0, series.length - 1 - k)]!, name);
      const b = rowsOf(series[series.length - 1]!, name);
      return a === null || b === null ? name : `${name} (live rows ${a} → ${b})`;
    };
    const verdict = `growth over the last ${k} simulated days ${bytes(last)} vs the first ${k} days ${bytes(first)}: ${
      levelsOff ? "levels off" : "STILL GROWING"
    } (${first > 0 ? ((100 * last) / first).toFixed(0) : "—"} %)${
      growing.length ? `; still growing per table: ${growing.map(note).join(", ")}` : ""
    }`;
    log(`    ${verdict}`);
    const markdown = [
      table(
        [
          "sim day",
          "date",
          "total",
          "deliveries",
          "attempts",
          "messages",
          "chats (rows)",
          "provider ids (rows)",
          "queue",
          "retention ms",
        ],
        series.map((d) => [
          String(d.day),
          d.date,
          bytes(d.total),
          bytes(d.sizes.deliveries ?? 0),
          bytes(d.sizes.delivery_attempts ?? 0),
          bytes(d.sizes.messages ?? 0),
          `${bytes(d.sizes.chats ?? 0)} (${d.rows.chats})`,
          `${bytes(d.sizes.inbound_message_ids ?? 0)} (${d.rows.providerIds})`,
          bytes(d.sizes.delivery_queue ?? 0),
          d.retention ? d.retentionMs.toFixed(0) : "",
        ]),
      ),
      "",
      `Rate ${opts.rate} events/s, ${opts.daySeconds} s per simulated day, retention ${opts.retentionDays} days. Verdict: ${verdict}.`,
    ].join("\n");
    return {
      markdown,
      data: { options: opts, series, verdict, levelsOff, growing },
      database: database.name,
    };
  } finally {
    if (!opts.keep) {
      const { closeDb } = await import("@/db");
      await closeDb();
      await database.drop().catch(() => {});
    }
  }
}
