import { closeDb, db } from "@/db";
import { migrateDatabase } from "@/db/migrate";
import { createTestDatabase } from "@/db/test-database";
import { createTestAccount } from "@/lib/testing/accounts";
import { createTestConnection, createTestIntegration } from "@/lib/testing/integrations";
import { ingestInbound } from "@/lib/webhooks/ingest";
import { ensureLocalSecrets } from "../scripts/lib/local-env";
import { readFileSync } from "node:fs";

async function main() {
  ensureLocalSecrets();
  const database = await createTestDatabase("postgres://postgres@127.0.0.1:5432/postgres");
  process.env.DATABASE_URL = database.url;
  try {
    await migrateDatabase(database.url);
    const { accountId } = await createTestAccount("P");
    const c = await createTestConnection(accountId);
    await createTestIntegration(accountId, { url: "http://127.0.0.1:9/x", connectionIds: [c.id] });
    const N = 20000;
    for (let i = 0; i < N; i += 2000)
      await Promise.all(
        Array.from({ length: 2000 }, (_, k) =>
          ingestInbound({
            connectionId: c.id,
            from: `+1555${String((i + k) % Number(process.env.CONTACTS ?? N)).padStart(7, "0")}`,
            text: "hello world",
          }),
        ),
      );
    await db().$client.query("ANALYZE");
    const sql = readFileSync(process.argv[2]!, "utf8");
    const client = await db().$client.connect();
    await client.query(`PREPARE q(text, int, int, uuid[]) AS ${sql}`);
    if (process.env.GENERIC) await client.query("SET plan_cache_mode = force_generic_plan");
    for (let i = 0; i < 3; i++) {
      const { rows } = await client.query(`EXPLAIN (ANALYZE, BUFFERS) EXECUTE q('w', 100, 60000, null)`);
      if (i === 2) console.log(rows.map((r) => r["QUERY PLAN"]).join("\n"));
      else console.log(rows.at(-1)["QUERY PLAN"]);
    }
    client.release();
  } finally {
    await closeDb();
    await database.drop();
  }
}
void main();
