// Prints, for each statement a portal/API read runs, its planning and execution time and the buffers it
// hit or read (EXPLAIN ANALYZE through the app's own queries), for a few varied runs of the reads whose
// names contain the given text. Where a read's time goes: planning, cold pages, or the walk itself.
// npx tsx bench/scale/explain-reads.ts <kept db> "<read name part>" [runs=3] [--plans]
import { Client } from "pg";

import { db } from "@/db";

import { ensureLocalSecrets } from "../../scripts/lib/local-env";

import { databaseUrl, pointAppAt } from "./db";
import { reads, sample } from "./reads";

interface Explained {
  "Planning Time": number;
  "Execution Time": number;
  Plan: { "Shared Hit Blocks": number; "Shared Read Blocks": number };
}

async function main() {
  ensureLocalSecrets();
  const [name, part = "", runsArg = "3"] = process.argv.slice(2);
  const showPlans = process.argv.includes("--plans");
  const url = databaseUrl(name!);
  await pointAppAt(url);
  const explainer = new Client({ connectionString: url });
  await explainer.connect();
  await explainer.query("SET jit = off; SET max_parallel_workers_per_gather = 0");
  const s = await sample(url, 10);
  const pool = db().$client;
  const real = pool.query.bind(pool);
  let label = "";
  (pool as unknown as { query: unknown }).query = async (q: unknown, values?: unknown) => {
    const text = typeof q === "string" ? q : (q as { text: string }).text;
    // drizzle passes the values beside the query config; raw callers put them in it.
    const params = values ?? (typeof q === "string" ? [] : ((q as { values?: unknown[] }).values ?? []));
    if (label && /^\s*(select|with)/i.test(text)) {
      const format = showPlans ? "TEXT" : "JSON";
      const { rows } = await explainer.query(
        `EXPLAIN (ANALYZE, BUFFERS, SUMMARY, FORMAT ${format}) ${text}`,
        params as unknown[],
      );
      if (showPlans) console.log(rows.map((r: Record<string, string>) => r["QUERY PLAN"]).join("\n"));
      else {
        const e = (rows[0] as { "QUERY PLAN": Explained[] })["QUERY PLAN"][0]!;
        console.log(
          `  ${label}: plan ${e["Planning Time"].toFixed(1)} ms, run ${e["Execution Time"].toFixed(1)} ms, ` +
            `hit ${e.Plan["Shared Hit Blocks"]}, read ${e.Plan["Shared Read Blocks"]} — ${text.slice(0, 90).replace(/\s+/g, " ")}`,
        );
      }
    }
    return real(q as never, values as never);
  };
  for (const read of reads(s).filter((r) => r.name.includes(part))) {
    console.log(read.name);
    for (let i = 1; i <= Number(runsArg); i++) {
      label = "";
      const state = await read.prepare(i);
      label = `run ${i}`;
      await read.run(state);
    }
  }
  label = "";
  await explainer.end();
  await pool.end();
}
void main();
