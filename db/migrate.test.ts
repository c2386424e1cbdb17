import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { RETENTION_DAYS } from "@/lib/validation/retention";
import { PARTITIONS_SLACK_DAYS } from "@/lib/webhooks/partitions";

import { migrateDatabase, migrationsFolder } from "./migrate";
import { createTestDatabase } from "./test-database";

describe("migrations", () => {
  let fresh: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    fresh = await createTestDatabase(process.env.DATABASE_URL!);
  });
  afterAll(async () => {
    await fresh.drop();
  });

  it("apply to an empty database, twice without harm, from concurrent callers", async () => {
    await Promise.all([migrateDatabase(fresh.url), migrateDatabase(fresh.url)]);
    await migrateDatabase(fresh.url);
    const client = new Client({ connectionString: fresh.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables
         WHERE table_schema = 'public' AND table_name !~ '_p[0-9]{8}$' ORDER BY 1`,
      );
      expect(rows.map((r) => r.table_name)).toEqual([
        "accounts",
        "api_keys",
        "campaign_connections",
        "campaign_tallies",
        "campaigns",
        "chats",
        "compacted_partitions",
        "connections",
        "deliveries",
        "delivery_attempts",
        "delivery_hours",
        "delivery_minutes",
        "delivery_pace",
        "delivery_queue",
        "delivery_releases",
        "idempotency_keys",
        "inbound_message_ids",
        "integration_connections",
        "integration_health",
        "integrations",
        "messages",
        "password_resets",
        "pending_signups",
        "rate_limits",
        "sessions",
        "unsuccessful_deliveries",
        "users",
      ]);
      const triggers = await client.query<{ tgname: string }>(
        "SELECT tgname FROM pg_trigger WHERE tgname LIKE '%connections_use' ORDER BY 1",
      );
      expect(triggers.rows.map((r) => r.tgname)).toEqual([
        "campaign_connections_use",
        "integration_connections_use",
      ]);
      // The tables that grow with traffic are partitioned by expiry day, a partition per day from today to
      // the default period's last day and a week of slack.
      const parts = await client.query<{ parent: string; n: number }>(
        `SELECT p.relname AS parent, count(*)::int AS n FROM pg_inherits i
         JOIN pg_class p ON p.oid = i.inhparent JOIN pg_class c ON c.oid = i.inhrelid
         WHERE p.relkind = 'p' GROUP BY p.relname ORDER BY 1`,
      );
      expect(parts.rows).toEqual(
        ["deliveries", "delivery_attempts", "messages"].map((parent) => ({
          parent,
          n: RETENTION_DAYS.default + 1 + PARTITIONS_SLACK_DAYS + 1,
        })),
      );
    } finally {
      await client.end();
    }
  });

  it("convert a populated database to partitioned storage without losing a row", async () => {
    const before = await createTestDatabase(process.env.DATABASE_URL!);
    try {
      // The database as it was before migration 0008, with data in every table 0008 rebuilds.
      await migrateDatabase(before.url, migrationsUpTo("0007"));
      const client = new Client({ connectionString: before.url });
      await client.connect();
      try {
        await client.query(OLD_DATA_SQL);
        const old = (await client.query(SNAPSHOT_SQL)).rows;
        await migrateDatabase(before.url);
        expect((await client.query(SNAPSHOT_SQL)).rows).toEqual(old);
        const { rows } = await client.query<Record<string, unknown>>(`
          SELECT (SELECT expires_on::text FROM deliveries WHERE seq = 7) AS delivery_day,
                 (SELECT expires_on::text FROM delivery_attempts) AS attempt_day,
                 (SELECT account_id::text FROM delivery_attempts) AS attempt_account,
                 (SELECT array_agg(DISTINCT account_id::text) FROM campaign_tallies) AS tally_accounts,
                 (SELECT array_agg(tgname::text ORDER BY tgname) FROM pg_trigger
                  WHERE tgrelid = 'deliveries_p20261202'::regclass AND NOT tgisinternal AND tgparentid = 0)
                   AS partition_triggers,
                 (SELECT expires_on::text FROM delivery_queue) AS queued_day,
                 (SELECT json_build_object('event', event, 'payload', payload, 'window', window_started_at,
                                           'before', attempts_before_window) FROM delivery_queue) AS queued_event,
                 (SELECT expires_on::text FROM messages) AS message_day,
                 (SELECT message_id::text FROM inbound_message_ids WHERE external_id = 'SM1') AS provider_id,
                 (SELECT retention_days FROM accounts) AS retention_days,
                 (SELECT json_build_object('in', sum(messages_in), 'open', sum(chats_open),
                                           'waiting', sum(deliveries_waiting))
                  FROM campaign_tallies) AS campaign_report`);
        expect(rows[0]).toEqual({
          delivery_day: "2026-12-02",
          attempt_day: "2026-12-02",
          // Migration 0023: an attempt (and a campaign's tally) carries its account again.
          attempt_account: "00000000-0000-4000-8000-000000000001",
          tally_accounts: ["00000000-0000-4000-8000-000000000001"],
          // Migration 0024: a partition the completions update by name has the parent's statement triggers.
          partition_triggers: ["deliveries_campaign_tally_update", "deliveries_minutes_update"],
          queued_day: "2026-12-02",
          // Migration 0014 copies what a claim hands the worker into the queue row.
          queued_event: {
            event: "MESSAGE",
            payload: { text: "hello" },
            window: expect.stringMatching(/^\d{4}-/) as unknown,
            before: 0,
          },
          message_day: "2026-12-01",
          provider_id: "00000000-0000-4000-8000-00000000000b",
          retention_days: 30,
          // Migration 0012 counts what was there for the campaigns' Reports.
          campaign_report: { in: 1, open: 1, waiting: 1 },
        });
        // New deliveries carry on the old numbering.
        const next = await client.query<{ seq: string }>(`
          INSERT INTO deliveries (account_id, integration_id, chat_id, event, payload, expires_on)
          SELECT account_id, integration_id, chat_id, event, payload, retention_expires_on(account_id)
          FROM deliveries WHERE seq = 7 RETURNING seq`);
        expect(Number(next.rows[0]!.seq)).toBe(8);
      } finally {
        await client.end();
      }
    } finally {
      await before.drop();
    }
  });
});

/** A copy of the migrations folder whose journal stops at `last` (its tag's number). */
function migrationsUpTo(last: string): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), "cw-migrations-"));
  cpSync(migrationsFolder, folder, { recursive: true });
  const journalFile = path.join(folder, "meta/_journal.json");
  const journal = JSON.parse(readFileSync(journalFile, "utf8")) as { entries: { tag: string }[] };
  journal.entries = journal.entries.filter((e) => e.tag.slice(0, 4) <= last);
  writeFileSync(journalFile, JSON.stringify(journal));
  return folder;
}

// Rows of the schema before 0008: an account, a connection and integration, a campaign's chat, an inbound message
// with a provider id, a delivery (seq 7, written on 2026-11-01: it expires on 2026-12-02 with the
// default 30 days) with an attempt and a queue row.
const OLD_DATA_SQL = `
INSERT INTO accounts (id, name) VALUES ('00000000-0000-4000-8000-000000000001', 'Old');
INSERT INTO connections (id, account_id, channel, code)
  VALUES ('00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000001', 'SMS', '+15550000001');
INSERT INTO integrations (id, account_id, alias, method, url, signing_secret)
  VALUES ('00000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-000000000001', 'Old hook', 'POST',
          'https://hooks.example.com/x', 'secret');
INSERT INTO campaigns (id, account_id, name, type, status, integration_id)
  VALUES ('00000000-0000-4000-8000-000000000004', '00000000-0000-4000-8000-000000000001', 'Old bot', 'CHATBOT',
          'LIVE', '00000000-0000-4000-8000-000000000003');
INSERT INTO chats (id, account_id, connection_id, contact, campaign_id)
  VALUES ('00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-000000000001',
          '00000000-0000-4000-8000-000000000002', '+15550000002', '00000000-0000-4000-8000-000000000004');
INSERT INTO messages (id, account_id, chat_id, direction, text, external_id, created_at)
  VALUES ('00000000-0000-4000-8000-00000000000b', '00000000-0000-4000-8000-000000000001',
          '00000000-0000-4000-8000-00000000000a', 'IN', 'hello', 'SM1', '2026-10-31T12:00:00Z');
INSERT INTO deliveries (id, account_id, integration_id, chat_id, message_id, seq, event, payload, status, created_at)
  OVERRIDING SYSTEM VALUE
  VALUES ('00000000-0000-4000-8000-00000000000c', '00000000-0000-4000-8000-000000000001',
          '00000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-00000000000a',
          '00000000-0000-4000-8000-00000000000b', 7, 'MESSAGE', '{"text":"hello"}', 'RETRYING',
          '2026-11-01T08:00:00Z');
INSERT INTO delivery_attempts (account_id, delivery_id, attempt_number, started_at, duration_ms, request,
                               response_status)
  VALUES ('00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-00000000000c', 1,
          '2026-11-01T08:00:01Z', 12, '{"method":"POST"}', 500);
INSERT INTO delivery_queue (delivery_id, account_id, integration_id, chat_id, seq, attempts)
  VALUES ('00000000-0000-4000-8000-00000000000c', '00000000-0000-4000-8000-000000000001',
          '00000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-00000000000a', 7, 1);
`;

// What every row says, apart from what 0008 adds.
const SNAPSHOT_SQL = `
SELECT (SELECT json_agg(json_build_object('id', id, 'text', text, 'externalId', external_id, 'at', created_at))
        FROM messages) AS messages,
       (SELECT json_agg(json_build_object('id', id, 'seq', seq, 'status', status, 'payload', payload,
                                          'message', message_id, 'at', created_at)) FROM deliveries) AS deliveries,
       (SELECT json_agg(json_build_object('delivery', delivery_id, 'n', attempt_number, 'status', response_status,
                                          'request', request)) FROM delivery_attempts) AS attempts,
       (SELECT json_agg(json_build_object('delivery', delivery_id, 'attempts', attempts)) FROM delivery_queue) AS queue
`;
