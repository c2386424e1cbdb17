import { readdirSync, readFileSync } from "node:fs";
import { closeDb, db } from "@/db";
import { migrateDatabase } from "@/db/migrate";
import { createTestDatabase } from "@/db/test-database";
import { createTestAccount } from "@/lib/testing/accounts";
import { createTestConnection, createTestIntegration } from "@/lib/testing/integrations";
import { ingestInbound } from "@/lib/webhooks/ingest";
import { ensureLocalSecrets } from "../scripts/lib/local-env";

function cpu(pid: number) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
}
function pgCpu(dbn: string) {
  let t = 0;
  for (const e of readdirSync("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    let c = "";
    try {
      c = readFileSync(`/proc/${e}/cmdline`, "utf8");
    } catch {
      continue;
    }
    if (
      c.startsWith("postgres:") &&
      (c.includes(` ${dbn} `) || /walwriter|checkpointer|background writer/.test(c))
    )
      t += cpu(Number(e));
  }
  return t;
}

async function main() {
  ensureLocalSecrets();
  const database = await createTestDatabase("postgres://postgres@127.0.0.1:5432/postgres");
  process.env.DATABASE_URL = database.url;
  const dbn = new URL(database.url).pathname.slice(1);
  try {
    await migrateDatabase(database.url);
    for (const stmt of (process.env.PRE_SQL ?? "").split(";").filter((x) => x.trim()))
      await db().$client.query(stmt);
    const { accountId } = await createTestAccount("P");
    const c = await createTestConnection(accountId);
    await createTestIntegration(accountId, { url: "http://127.0.0.1:9/x", connectionIds: [c.id] });
    const N = 40000,
      RATE = Number(process.env.RATE ?? 4000);
    // warm
    await Promise.all(
      Array.from({ length: 2000 }, (_, k) =>
        ingestInbound({
          connectionId: c.id,
          from: `+1555${String(k % 5000).padStart(7, "0")}`,
          text: "hello world",
        }),
      ),
    );
    const p0 = pgCpu(dbn),
      s0 = cpu(process.pid),
      t0 = performance.now();
    let sent = 0;
    const calls: Promise<unknown>[] = [];
    while (sent < N) {
      const due = Math.min(N, Math.floor(((performance.now() - t0) / 1000) * RATE) + 1);
      while (sent < due) {
        const i = sent++;
        calls.push(
          ingestInbound({
            connectionId: c.id,
            from: `+1555${String(i % 5000).padStart(7, "0")}`,
            text: "hello world",
          }),
        );
      }
      await new Promise((r) => setTimeout(r, 1));
    }
    await Promise.all(calls);
    const el = (performance.now() - t0) / 1000;
    console.log({
      rate: (N / el).toFixed(0),
      pgUsPerEvent: (((pgCpu(dbn) - p0) / N) * 1e6).toFixed(0),
      driverUsPerEvent: (((cpu(process.pid) - s0) / N) * 1e6).toFixed(0),
    });
  } finally {
    await closeDb();
    await database.drop();
  }
}
void main();
