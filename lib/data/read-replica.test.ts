// DATABASE_READ_URL: the log reads go to a second connection — here a read-only database user standing in
// for a replica — and everything else stays on DATABASE_URL.
import { randomBytes, randomUUID } from "node:crypto";

import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { db, readDb } from "@/db";
import { env } from "@/lib/env";
import { createTestAccount } from "@/lib/testing/accounts";
import { createTestConnection, createTestIntegration } from "@/lib/testing/integrations";
import { startReceiver, type TestReceiver } from "@/lib/testing/receiver";
import { ingestInbound } from "@/lib/webhooks/ingest";
import { closeSendPools } from "@/lib/webhooks/send";
import { generateSigningSecret } from "@/lib/webhooks/sign";
import { drainDeliveries } from "@/lib/webhooks/worker";

import { getChat, getChatThread, listChats } from "./chats";
import { deliveryStats, getDelivery, listDeliveries } from "./deliveries";

/** The database's own message of a failed query (drizzle wraps it as the error's cause). */
const failure = (query: Promise<unknown>) =>
  query.then(
    () => "it succeeded",
    (err: unknown) => String(err instanceof Error && err.cause instanceof Error ? err.cause.message : err),
  );

const reader = `cw_reader_${randomUUID().slice(0, 8)}`;
const { accountId } = await createTestAccount("Replica");
let receiver: TestReceiver;
let integrationId: string;
let chatId: string;

beforeAll(async () => {
  const database = new URL(env().DATABASE_URL).pathname.slice(1);
  // (A password of its own: the embedded server of `npm test` asks for one, a trust setup ignores it.)
  const password = randomBytes(12).toString("hex");
  await db().execute(sql.raw(`CREATE ROLE ${reader} LOGIN PASSWORD '${password}'`));
  await db().execute(sql.raw(`ALTER ROLE ${reader} SET default_transaction_read_only = on`));
  await db().execute(sql.raw(`GRANT CONNECT ON DATABASE "${database}" TO ${reader}`));
  await db().execute(sql.raw(`GRANT USAGE ON SCHEMA public TO ${reader}`));
  await db().execute(sql.raw(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${reader}`));
  const url = new URL(env().DATABASE_URL);
  url.username = reader;
  url.password = password;
  env().DATABASE_READ_URL = url.toString();

  const secret = generateSigningSecret();
  receiver = await startReceiver({ secrets: [secret] });
  const connection = await createTestConnection(accountId);
  ({
    integration: { id: integrationId },
  } = await createTestIntegration(accountId, {
    url: `${receiver.url}/hook`,
    signingSecret: secret,
    connectionIds: [connection.id],
  }));
  ({ chatId } = await ingestInbound({ connectionId: connection.id, from: "+15558440001", text: "one" }));
  await ingestInbound({ connectionId: connection.id, from: "+15558440001", text: "two" });
  await drainDeliveries({ accountIds: [accountId] });
});

afterAll(async () => {
  await readDb().$client.end();
  env().DATABASE_READ_URL = undefined;
  await receiver.close();
  await closeSendPools();
  await db().execute(sql.raw(`DROP OWNED BY ${reader}`));
  await db().execute(sql.raw(`DROP ROLE ${reader}`));
});

describe("DATABASE_READ_URL", () => {
  it("sends the log reads to the read connection, which cannot write", async () => {
    const asReader = await readDb().execute<{ user: string }>(sql`SELECT current_user AS user`);
    expect(asReader.rows[0]!.user).toBe(reader);
    expect(await failure(readDb().execute(sql`CREATE TEMP TABLE nope (x int)`))).toMatch(/read-only/);

    const page = await listDeliveries(accountId, { integrationId });
    expect(page.deliveries.map((d) => d.status)).toEqual(["SUCCEEDED", "SUCCEEDED"]);
    expect((await getDelivery(accountId, page.deliveries[0]!.id))?.attempts).toHaveLength(1);
    const minutes = await deliveryStats(accountId, integrationId);
    expect(minutes.reduce((n, m) => n + m.succeeded, 0)).toBe(2);
    expect((await listChats(accountId)).chats.map((c) => c.id)).toEqual([chatId]);
    expect((await getChatThread(accountId, chatId))?.messages.map((m) => m.text)).toEqual(["one", "two"]);
  });

  it("really reads there: without its SELECT on the log, the log cannot be read, while writes' reads still work", async () => {
    await db().execute(sql.raw(`REVOKE SELECT ON deliveries, chats FROM ${reader}`));
    try {
      expect(await failure(listDeliveries(accountId, { integrationId }))).toMatch(/permission denied/);
      expect(await failure(listChats(accountId))).toMatch(/permission denied/);
      // A chat read back after a write (the close route's answer) comes from the primary.
      expect((await getChat(accountId, chatId))?.id).toBe(chatId);
    } finally {
      await db().execute(sql.raw(`GRANT SELECT ON deliveries, chats TO ${reader}`));
    }
  });
});
