// `npm run bench:scale`: the volume benchmark. A realistic month of a busy platform (bench/scale/generate.ts)
// in a throwaway database on the server of DATABASE_URL (Default: postgres://postgres@127.0.0.1:5432), then:
//   reads      — the portal's and the API's reads through the app's own functions (bench/scale/reads.ts);
//   hot path   — claim / complete of 200 and ingestion, at that size against an empty database;
//   bytes      — all-in bytes per delivery;
//   retention  — expiring one day: how long, the longest lock, a concurrent hot-path loop's p99;
//   --soak     — a steady stream while the simulated clock runs through retention: do sizes level off?
// Flags: --scale=<fraction> (1 = full: 10 M deliveries), --quick (1/50), --keep (keep the database, print
// its URL), --reuse=<dbname> (skip generation, measure that database), --only=reads,hot,bytes,retention
// (a subset), --soak (the soak instead of the rest), --runs=N (reads' varied runs, Default: 30).
// Results: a markdown table and raw JSON in bench/results/scale-<timestamp>.{md,json}.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

import { closeDb } from "@/db";
import { migrateDatabase } from "@/db/migrate";
import { compactSettledPartitions } from "@/lib/webhooks/compaction";

import { ensureLocalSecrets } from "../../scripts/lib/local-env";

import { checkGenerated, countRows, type Counts } from "./check";
import { createBenchDatabase, existingDatabase, pointAppAt, type BenchDatabase } from "./db";
import { generate, type StepTiming } from "./generate";
import { reads, readsTable, runReads, sample } from "./reads";
import { claimComplete, CLAIM_LIMIT, ingestCost, ingestTargets } from "./hotpath";
import { retentionPhase, retentionTable } from "./retention";
import { soak } from "./soak";
import { packedAttemptLogs, totalBytes, tableSizes } from "./sizes";
import { bytes, median, ms, table, type Summary } from "./stats";

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];

const QUICK = flag("quick");
const SCALE = Number(option("scale") ?? (QUICK ? 1 / 50 : 1));
const KEEP = flag("keep");
const REUSE = option("reuse");
const ONLY = option("only")?.split(",");
const wants = (part: string) => !ONLY || ONLY.includes(part);
const RUNS = Number(option("runs") ?? 30);
// Per read: the varied runs stop once this much time went by (at least 3 runs).
const READ_BUDGET_MS = Number(option("read-budget-s") ?? (QUICK ? 4 : 45)) * 1000;

export interface Report {
  startedAt: string;
  scale: number;
  database: string;
  generation?: { totalMs: number; timings: StepTiming[] };
  counts?: Counts;
  problems?: string[];
  sections: { title: string; markdown: string; data: unknown }[];
  /** The one summary table: measure, value, detail. */
  summary: string[][];
}

async function main() {
  ensureLocalSecrets();
  process.env.LOG_LEVEL ??= "warn";
  process.env.API_RATE_LIMIT_PER_SECOND ??= "100000";
  process.env.API_RATE_LIMIT_BURST ??= "100000";
  process.env.WEBHOOK_ALLOW_PRIVATE_NETWORKS = "true";
  process.env.WEBHOOK_ALLOW_INSECURE_URLS = "true";
  const drops: BenchDatabase[] = [];
  const report: Report = {
    startedAt: new Date().toISOString(),
    scale: SCALE,
    database: "",
    sections: [],
    summary: [],
  };
  try {
    if (flag("soak")) {
      const opts = {
        rate: Number(option("soak-rate") ?? 200),
        days: Number(option("soak-days") ?? 12),
        daySeconds: Number(option("soak-day-seconds") ?? 8),
        retentionDays: Number(option("soak-retention") ?? 3),
        keep: KEEP,
      };
      console.log(
        `Soak: ${opts.rate} events/s, ${opts.days} simulated days of ${opts.daySeconds} s, retention ${opts.retentionDays} days`,
      );
      const result = await soak(opts);
      report.database = result.database;
      report.sections.push({ title: "Soak", markdown: result.markdown, data: result.data });
      report.summary.push([
        "soak",
        result.data.levelsOff ? "levels off" : "still growing",
        result.data.verdict,
      ]);
      console.log("\n" + result.markdown);
      console.log(`\nSummary\n${table(["measure", "value", "detail"], report.summary)}`);
      writeResults(report);
      return;
    }
    let full: BenchDatabase;
    if (REUSE) {
      full = await existingDatabase(REUSE);
      console.log(`Reusing database ${full.name} (not generated, not dropped)`);
      // Migrations the code has and the database lacks (after a merge, say), timed: at size, that is a
      // figure of its own.
      const t0 = performance.now();
      await migrateDatabase(full.url);
      const took = performance.now() - t0;
      if (took > 2000) {
        console.log(`  applied pending migrations in ${(took / 1000).toFixed(1)} s`);
        report.summary.push(["pending migrations applied on reuse", `${(took / 1000).toFixed(0)} s`, ""]);
      }
    } else {
      full = await createBenchDatabase(KEEP);
      process.env.DATABASE_URL = full.url;
      if (!KEEP) drops.push(full);
      console.log(
        `Database ${full.name} (${KEEP ? "kept" : "dropped at the end"}); generating at scale ${SCALE}`,
      );
      const gen = await generate({
        url: full.url,
        scale: SCALE,
        parallel: option("parallel") ? Number(option("parallel")) : undefined,
      });
      report.generation = gen;
      console.log(`  generated in ${(gen.totalMs / 1000).toFixed(1)} s`);
      report.summary.push([
        `generation (scale ${SCALE})`,
        `${(gen.totalMs / 1000).toFixed(0)} s`,
        gen.timings
          .filter((t) => t.ms > 1000)
          .map((t) => `${t.step} ${(t.ms / 1000).toFixed(0)} s`)
          .join(", "),
      ]);
    }
    report.database = full.name;
    process.env.DATABASE_URL = full.url;
    await pointAppAt(full.url);
    // The workers' maintenance, which over the month would have rebuilt each settled day partition's
    // indexes packed (lib/webhooks/compaction.ts); the generator writes them all at once. (Idempotent: on a
    // reused database it only does what is left.)
    const tc = performance.now();
    const compaction = await compactSettledPartitions({ maxMs: 60 * 60_000 });
    const compactMs = performance.now() - tc;
    if (compaction.compacted.length > 0) {
      console.log(
        `  index compaction of ${compaction.compacted.length} settled partitions: ${(compactMs / 1000).toFixed(1)} s`,
      );
      report.summary.push([
        "index compaction (the maintenance's, of settled partitions)",
        `${(compactMs / 1000).toFixed(0)} s`,
        `${compaction.compacted.length} partitions`,
      ]);
    }
    const counts = await countRows(full.url, SCALE > 0.1 || !!REUSE || flag("estimate"));
    report.counts = counts;
    report.summary.push([
      "rows",
      `${counts.deliveries.toLocaleString("en")} deliveries`,
      `${counts.attempts.toLocaleString("en")} attempts, ${counts.chats.toLocaleString("en")} chats, ${counts.messages.toLocaleString("en")} messages, ${counts.dueQueue.toLocaleString("en")} due in the queue`,
    ]);
    console.log(`  rows: ${JSON.stringify(counts)}`);
    if (!REUSE || flag("check")) {
      report.problems = await checkGenerated(full.url);
      for (const p of report.problems) console.log(`  !! ${p}`);
      if (report.problems.length === 0) console.log("  checks: consistent; requests match buildRequest");
    }
    if (wants("reads")) {
      console.log(`\nReads (first pass, then up to ${RUNS} varied runs)`);
      const s = await sample(full.url, RUNS);
      const results = await runReads(reads(s), RUNS, READ_BUDGET_MS);
      report.sections.push({ title: "Reads", markdown: readsTable(results), data: results });
      for (const r of results)
        report.summary.push(
          r.error
            ? [r.name, "error", r.error.slice(0, 80)]
            : [
                r.name,
                `p50 ${ms(r.p50)}, p95 ${ms(r.p95)}`,
                `first pass ${ms(r.firstMs)}, ${r.n} runs, max ${ms(r.max)}`,
              ],
        );
      writeResults(report, true);
    }
    writeResults(report);
    if (wants("hot")) {
      const section = await hotPath(full, drops);
      report.sections.push(section);
      report.summary.push(...section.summary);
    }
    if (wants("bytes")) {
      const section = await bytesPerDelivery(full, counts);
      report.sections.push(section);
      report.summary.push(...section.summary);
    }
    writeResults(report, true);
    if (wants("retention")) {
      console.log(
        `\nRetention: ${RETENTION_RUNS} runs, each expiring the oldest day with data (destructive)`,
      );
      const runs = await retentionPhase(full.url, RETENTION_RUNS);
      const markdown = retentionTable(runs);
      console.log("\n" + markdown);
      report.sections.push({ title: "Retention run", markdown, data: runs });
      const med = (f: (r: (typeof runs)[number]) => number) => ms(median(runs.map(f)));
      const longest = runs.flatMap((r) => r.locks).sort((a, b) => b.ms - a.ms)[0];
      report.summary.push(
        [
          "retention: expire one day",
          med((r) => r.ms),
          `median of ${runs.length}; ${runs.map((r) => ms(r.ms)).join(", ")}${runs.some((r) => r.stats.unfinished) ? "; some stopped at maxMs (unfinished)" : ""}`,
        ],
        [
          "retention: longest lock seen",
          longest ? ms(longest.ms) : "—",
          longest
            ? `${longest.mode} on ${longest.relation}; probe max ${med((r) => r.probe.max)} (median)`
            : "",
        ],
        [
          "retention: loop p99 during / without",
          `${med((r) => r.loop.p99)} / ${med((r) => r.baseline.p99)}`,
          "ingest 5 → claim → complete, medians",
        ],
      );
    }
    console.log(`\nSummary\n${table(["measure", "value", "detail"], report.summary)}`);
    writeResults(report);
    if (KEEP && !REUSE)
      console.log(
        `\nKept database: ${full.name}\n  DATABASE_URL=${full.url}\n  reuse: npm run bench:scale -- --reuse=${full.name}`,
      );
  } finally {
    await closeDb();
    for (const d of drops) await d.drop().catch((err: unknown) => console.error("drop failed", err));
  }
}

const RETENTION_RUNS = Number(option("retention-runs") ?? 3);
const HOT_ITERATIONS = Number(option("hot-iterations") ?? (QUICK ? 20 : 25));
const INGEST_EVENTS = Number(option("ingest-events") ?? (QUICK ? 1000 : 3000));

type Section = Report["sections"][number] & { summary: string[][] };

async function hotPath(full: BenchDatabase, drops: BenchDatabase[]): Promise<Section> {
  console.log(
    `\nHot path: claim ${CLAIM_LIMIT} + complete × ${HOT_ITERATIONS}, ingest ${INGEST_EVENTS} events — full vs empty`,
  );
  const fullCC = await claimComplete(HOT_ITERATIONS);
  console.log(
    `    full:  claim ${line(fullCC.claim)}; complete ${line(fullCC.complete)}; claimed ${fullCC.claimed.join(",")}`,
  );
  const fullIngest = await ingestCost(await ingestTargets(full.url), INGEST_EVENTS);
  console.log(
    `    full:  ingest ${fullIngest.msPerEvent.toFixed(3)} ms/event; per call ${line(fullIngest.call)}`,
  );

  const empty = await createBenchDatabase();
  drops.push(empty);
  await generate({ url: empty.url, scale: 0, log: () => {} });
  await pointAppAt(empty.url);
  const emptyTargets = await ingestTargets(empty.url);
  const emptyIngest = await ingestCost(emptyTargets, INGEST_EVENTS);
  console.log(
    `    empty: ingest ${emptyIngest.msPerEvent.toFixed(3)} ms/event; per call ${line(emptyIngest.call)}`,
  );
  // Enough due rows for every claim to find 200 (untimed).
  const due = (HOT_ITERATIONS + 2) * CLAIM_LIMIT * 1.3 - INGEST_EVENTS;
  if (due > 0) await ingestCost(emptyTargets, Math.ceil(due), 100, 7);
  const emptyCC = await claimComplete(HOT_ITERATIONS);
  console.log(
    `    empty: claim ${line(emptyCC.claim)}; complete ${line(emptyCC.complete)}; claimed ${emptyCC.claimed.join(",")}`,
  );
  await pointAppAt(full.url);
  await empty.drop();
  drops.splice(drops.indexOf(empty), 1);

  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  const rows = [
    ["claim 200 (claimDue)", fullCC.claim, emptyCC.claim],
    ["complete 200 (completeDeliveries)", fullCC.complete, emptyCC.complete],
    ["ingestInbound, per call", fullIngest.call, emptyIngest.call],
  ] as const;
  const markdown = table(
    ["operation", "full p50 / p95 / max", "empty p50 / p95 / max", "ratio p50", "ratio p95"],
    [
      ...rows.map(([name, f, e]) => [
        name,
        `${ms(f.p50)} / ${ms(f.p95)} / ${ms(f.max)}`,
        `${ms(e.p50)} / ${ms(e.p95)} / ${ms(e.max)}`,
        ratio(f.p50, e.p50),
        ratio(f.p95, e.p95),
      ]),
      [
        `ingestInbound, wall per event (50 in flight)`,
        `${fullIngest.msPerEvent.toFixed(3)} ms`,
        `${emptyIngest.msPerEvent.toFixed(3)} ms`,
        ratio(fullIngest.msPerEvent, emptyIngest.msPerEvent),
        "",
      ],
    ],
  );
  console.log("\n" + markdown);
  return {
    title: "Hot path: full vs empty database",
    markdown,
    summary: rows.map(([name, f, e]) => [
      name,
      `${ratio(f.p50, e.p50)} (p50)`,
      `full p50 ${ms(f.p50)} p95 ${ms(f.p95)} max ${ms(f.max)}; empty p50 ${ms(e.p50)} p95 ${ms(e.p95)}`,
    ]),
    data: {
      full: { claimComplete: fullCC, ingest: fullIngest },
      empty: { claimComplete: emptyCC, ingest: emptyIngest },
    },
  };
}

const line = (s: Summary) => `p50 ${ms(s.p50)} p95 ${ms(s.p95)} max ${ms(s.max)}`;

async function bytesPerDelivery(full: BenchDatabase, counts: Counts): Promise<Section> {
  const sizes = await tableSizes(full.url);
  const total = totalBytes(sizes);
  const n = Math.max(1, counts.deliveries);
  const markdown = table(
    ["table (all partitions, heap + indexes + TOAST)", "size", "bytes per delivery"],
    [
      ...Object.entries(sizes).map(([name, b]) => [name, bytes(b), (b / n).toFixed(0)]),
      ["**all**", `**${bytes(total)}**`, `**${(total / n).toFixed(0)}**`],
    ],
  );
  const logs = await packedAttemptLogs(full.url);
  const packedTotal = total - (logs.plainPerDelivery - logs.packedPerDelivery) * n;
  const packedLine =
    `attempt logs packed as the app stores them (a sample of ${logs.deliveries} deliveries): ` +
    `${logs.plainPerDelivery.toFixed(0)} B plain → ${logs.packedPerDelivery.toFixed(0)} B per delivery; ` +
    `all-in with them: ${(packedTotal / n).toFixed(0)} B`;
  console.log(`\nBytes per delivery (${n.toLocaleString("en")} deliveries)\n${markdown}\n${packedLine}`);
  return {
    title: "Bytes per delivery, all-in",
    markdown: `${markdown}\n\n${packedLine}`,
    data: {
      sizes,
      deliveries: n,
      perDelivery: total / n,
      packedLogs: logs,
      perDeliveryPacked: packedTotal / n,
    },
    summary: [
      [
        "bytes per delivery, all-in",
        `${(total / n).toFixed(0)} B`,
        `${bytes(total)} in all; ` +
          Object.entries(sizes)
            .map(([k, b]) => `${k} ${(b / n).toFixed(0)}`)
            .join(", "),
      ],
      ["… with attempt logs packed (estimate)", `${(packedTotal / n).toFixed(0)} B`, packedLine],
    ],
  };
}

function writeResults(report: Report, quiet = false) {
  mkdirSync("bench/results", { recursive: true });
  const stamp = report.startedAt.replace(/[:.]/g, "-");
  const base = path.join("bench/results", `scale-${stamp}`);
  const md = [
    `# bench:scale ${report.startedAt}`,
    "",
    `Scale ${report.scale}, database ${report.database}` +
      (report.generation ? `, generated in ${(report.generation.totalMs / 1000).toFixed(1)} s` : ", reused"),
    "",
    "## Summary",
    "",
    table(["measure", "value", "detail"], report.summary),
    "",
    ...(report.generation
      ? [
          table(
            ["step", "rows", "seconds"],
            report.generation.timings.map((t) => [
              t.step,
              t.rows.toLocaleString("en"),
              (t.ms / 1000).toFixed(1),
            ]),
          ),
          "",
        ]
      : []),
    ...report.sections.flatMap((s) => [`## ${s.title}`, "", s.markdown, ""]),
  ].join("\n");
  writeFileSync(`${base}.md`, md);
  writeFileSync(`${base}.json`, JSON.stringify(report, null, 2));
  if (!quiet) console.log(`\nResults: ${base}.md, ${base}.json`);
}

main().catch(async (err) => {
  console.error(err);
  await closeDb().catch(() => {});
  process.exit(1);
});
