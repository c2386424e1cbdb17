// Prints EXPLAIN ANALYZE of the claim and of the completion at the size of a kept database: each explained
// statement runs in a transaction that is rolled back, then for real, so one claim of 200 and their
// completion are done (the database moves on like after one round of a worker).
// npx tsx bench/scale/explain-hot.ts <db> [claim|complete]
import { Client } from "pg";

import { enginePool } from "@/db";
import { claimDue, loadIntegrations } from "@/lib/webhooks/claim";
import { completeDeliveries } from "@/lib/webhooks/complete";

import { ensureLocalSecrets } from "../../scripts/lib/local-env";

import { databaseUrl, pointAppAt } from "./db";
import { completionFor } from "./hotpath";

async function main() {
  ensureLocalSecrets();
  const name = process.argv[2]!;
  const url = databaseUrl(name);
  await pointAppAt(url);
  const c = new Client({ connectionString: url });
  await c.connect();
  const pool = enginePool();
  const real = pool.query.bind(pool);
  let explain = false;
  (pool as unknown as { query: unknown }).query = async (q: { text: string; values: unknown[] }) => {
    if (!explain) return real(q as never);
    await c.query("BEGIN");
    const { rows } = await c.query<{ "QUERY PLAN": string }>(
      `EXPLAIN (ANALYZE, BUFFERS) ${q.text}`,
      q.values,
    );
    console.log(rows.map((r) => r["QUERY PLAN"]).join("\n"));
    await c.query("ROLLBACK");
    return real(q as never);
  };
  explain = process.argv[3] !== "complete";
  const { deliveries } = await claimDue({ workerId: "explain", limit: 200, leaseMs: 60_000 });
  explain = process.argv[3] !== "claim";
  const integrations = await loadIntegrations([...new Set(deliveries.map((d) => d.integrationId))]);
  await completeDeliveries(
    deliveries.map((d, i) => completionFor(d, integrations.get(d.integrationId)!, i % 10 === 0, "explain")),
  );
  await c.end();
  await pool.end();
}
void main();
