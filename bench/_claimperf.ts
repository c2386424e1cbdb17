import { closeDb, db } from "@/db";
import { migrateDatabase } from "@/db/migrate";
import { createTestDatabase } from "@/db/test-database";
import { createTestAccount } from "@/lib/testing/accounts";
import { createTestConnection, createTestIntegration } from "@/lib/testing/integrations";
import { claimDue, loadIntegrations } from "@/lib/webhooks/claim";
import { completeDeliveries, type Completion } from "@/lib/webhooks/complete";
import { ingestInbound } from "@/lib/webhooks/ingest";
import { ensureLocalSecrets } from "../scripts/lib/local-env";

async function main() {
  ensureLocalSecrets();
  const database = await createTestDatabase("postgres://postgres@127.0.0.1:5432/postgres");
  process.env.DATABASE_URL = database.url;
  try {
    await migrateDatabase(database.url);
    const { accountId } = await createTestAccount("P");
    const c = await createTestConnection(accountId);
    await createTestIntegration(accountId, { url: "http://127.0.0.1:9/x", connectionIds: [c.id] });
    let t = performance.now();
    const N = Number(process.env.N ?? 20000);
    for (let i = 0; i < N; i += 2000)
      await Promise.all(
        Array.from({ length: 2000 }, (_, k) =>
          ingestInbound({
            connectionId: c.id,
            from: `+1555${String(i + k).padStart(7, "0")}`,
            text: "hello world",
          }),
        ),
      );
    console.log("ingest", N, ((performance.now() - t) / 1000).toFixed(2), "s");
    const durs: number[] = [];
    let commitMs = 0,
      stmtMs = 0;
    let claimMs = 0,
      loadMs = 0,
      completeMs = 0,
      n = 0;
    t = performance.now();
    for (;;) {
      let t0 = performance.now();
      const rows = await claimDue({ workerId: "w", limit: 100, leaseMs: 60000 });
      claimMs += performance.now() - t0;
      durs.push(performance.now() - t0);
      if (process.env.EXPLAIN_COMMIT) {
        const cl = await db().$client.connect();
        await cl.query("BEGIN");
        const t1 = performance.now();
        await cl.query("UPDATE delivery_queue SET attempts = attempts WHERE delivery_id = ANY($1::uuid[])", [
          rows.map((r) => r.id),
        ]);
        const t2 = performance.now();
        await cl.query("COMMIT");
        commitMs += performance.now() - t2;
        stmtMs += t2 - t1;
        cl.release();
      }
      if (!rows.length) break;
      t0 = performance.now();
      await loadIntegrations([...new Set(rows.map((r) => r.integrationId))]);
      loadMs += performance.now() - t0;
      const completions: Completion[] = rows.map((r) => ({
        deliveryId: r.id,
        accountId: r.accountId,
        integrationId: r.integrationId,
        chatId: r.chatId,
        seq: r.seq,
        workerId: "w",
        attemptNumber: r.attempts,
        status: "SUCCEEDED",
        nextAttemptAt: null,
        disableReason: null,
        record: {
          startedAt: new Date(),
          durationMs: 3,
          request: {
            method: "POST",
            url: "http://127.0.0.1:4231/hook",
            headers: {
              "user-agent": "CustomWebhook/1.0 (+https://github.com/standard-webhooks)",
              "content-type": "application/json",
              "webhook-id": r.id,
              "webhook-timestamp": "1795613987",
              "webhook-signature": "v1,••••••••",
            },
            body: JSON.stringify({
              chatId: r.chatId,
              contact: "+15550000001",
              event: "MESSAGE",
              text: "hello world",
              multimedia: { url: null, caption: null },
            }),
          },
          responseStatus: 200,
          responseHeaders: {
            "content-type": "text/plain",
            date: new Date().toUTCString(),
            connection: "keep-alive",
            "keep-alive": "timeout=5",
            "content-length": "2",
          },
          responseBody: "ok",
          errorClass: null,
          errorMessage: null,
        },
      }));
      t0 = performance.now();
      await completeDeliveries(completions);
      completeMs += performance.now() - t0;
      n += rows.length;
      if (n === -1) {
        const { readFileSync } = await import("node:fs");
        const sql = readFileSync("/tmp/exp/claim.sql", "utf8");
        const cl = await db().$client.connect();
        await cl.query("BEGIN");
        const { rows: plan } = await cl.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, ["w", 100, 60000, null]);
        console.log(plan.map((r) => r["QUERY PLAN"]).join("\n"));
        await cl.query("ROLLBACK");
        cl.release();
      }
    }
    const total = performance.now() - t;
    durs.sort((a, b) => a - b);
    console.log(
      "claim p10/p50/p90/p99/max",
      [0.1, 0.5, 0.9, 0.99].map((p) => durs[Math.floor(p * durs.length)]!.toFixed(1)),
      durs.at(-1)!.toFixed(1),
    );
    console.log({
      n,
      totalS: (total / 1000).toFixed(2),
      perSec: ((n / total) * 1000).toFixed(0),
      claimMsPerBatch: (claimMs / (n / 100)).toFixed(2),
      loadMs: (loadMs / (n / 100)).toFixed(2),
      completeMsPerBatch: (completeMs / (n / 100)).toFixed(2),
      commitMs: (commitMs / (n / 100)).toFixed(2),
      stmtMs: (stmtMs / (n / 100)).toFixed(2),
    });
  } finally {
    await closeDb();
    await database.drop();
  }
}
void main();
