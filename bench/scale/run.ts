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

import { ensureLocalSecrets } from "../../scripts/lib/local-env";

import { checkGenerated, countRows, type Counts } from "./check";
import { createBenchDatabase, existingDatabase, pointAppAt, type BenchDatabase } from "./db";
import { generate, type StepTiming } from "./generate";
import { table } from "./stats";

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];

const QUICK = flag("quick");
const SCALE = Number(option("scale") ?? (QUICK ? 1 / 50 : 1));
const KEEP = flag("keep");
const REUSE = option("reuse");
const ONLY = option("only")?.split(",");
const wants = (part: string) => !ONLY || ONLY.includes(part);

export interface Report {
  startedAt: string;
  scale: number;
  database: string;
  generation?: { totalMs: number; timings: StepTiming[] };
  counts?: Counts;
  problems?: string[];
  sections: { title: string; markdown: string; data: unknown }[];
}

async function main() {
  ensureLocalSecrets();
  process.env.LOG_LEVEL ??= "warn";
  process.env.API_RATE_LIMIT_PER_SECOND ??= "100000";
  process.env.API_RATE_LIMIT_BURST ??= "100000";
  process.env.WEBHOOK_ALLOW_PRIVATE_NETWORKS = "true";
  process.env.WEBHOOK_ALLOW_INSECURE_URLS = "true";
  const drops: BenchDatabase[] = [];
  const report: Report = { startedAt: new Date().toISOString(), scale: SCALE, database: "", sections: [] };
  try {
    let full: BenchDatabase;
    if (REUSE) {
      full = await existingDatabase(REUSE);
      console.log(`Reusing database ${full.name} (not generated, not dropped)`);
    } else {
      full = await createBenchDatabase(KEEP);
      process.env.DATABASE_URL = full.url;
      if (!KEEP) drops.push(full);
      console.log(`Database ${full.name} (${KEEP ? "kept" : "dropped at the end"}); generating at scale ${SCALE}`);
      const gen = await generate({
        url: full.url,
        scale: SCALE,
        parallel: option("parallel") ? Number(option("parallel")) : undefined,
      });
      report.generation = gen;
      console.log(`  generated in ${(gen.totalMs / 1000).toFixed(1)} s`);
    }
    report.database = full.name;
    process.env.DATABASE_URL = full.url;
    await pointAppAt(full.url);
    const counts = await countRows(full.url, SCALE > 0.1 || flag("estimate"));
    report.counts = counts;
    console.log(`  rows: ${JSON.stringify(counts)}`);
    if (!REUSE || flag("check")) {
      report.problems = await checkGenerated(full.url);
      for (const p of report.problems) console.log(`  !! ${p}`);
      if (report.problems.length === 0) console.log("  checks: consistent; requests match buildRequest");
    }
    void wants;
    writeResults(report);
    if (KEEP && !REUSE) console.log(`\nKept database: ${full.name}\n  DATABASE_URL=${full.url}\n  reuse: npm run bench:scale -- --reuse=${full.name}`);
  } finally {
    await closeDb();
    for (const d of drops) await d.drop().catch((err: unknown) => console.error("drop failed", err));
  }
}

function writeResults(report: Report) {
  mkdirSync("bench/results", { recursive: true });
  const stamp = report.startedAt.replace(/[:.]/g, "-");
  const base = path.join("bench/results", `scale-${stamp}`);
  const md = [
    `# bench:scale ${report.startedAt}`,
    "",
    `Scale ${report.scale}, database ${report.database}` +
      (report.generation ? `, generated in ${(report.generation.totalMs / 1000).toFixed(1)} s` : ", reused"),
    "",
    ...(report.generation
      ? [
          table(
            ["step", "rows", "seconds"],
            report.generation.timings.map((t) => [t.step, t.rows.toLocaleString("en"), (t.ms / 1000).toFixed(1)]),
          ),
          "",
        ]
      : []),
    ...report.sections.flatMap((s) => [`## ${s.title}`, "", s.markdown, ""]),
  ].join("\n");
  writeFileSync(`${base}.md`, md);
  writeFileSync(`${base}.json`, JSON.stringify(report, null, 2));
  console.log(`\nResults: ${base}.md, ${base}.json`);
}

main().catch(async (err) => {
  console.error(err);
  await closeDb().catch(() => {});
  process.exit(1);
});
