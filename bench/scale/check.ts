// Sanity checks of a generated database: row counts, status mix, partitions, and that a generated
// attempt's request is what the app's own request builder makes for that delivery, and a campaign's
// Report tallies match its rows.
import { Client } from "pg";

import type { FieldRow } from "@/lib/validation/integration-fields";
import { buildRequest } from "@/lib/webhooks/build-request";
import { deliveryPayloadSql, eventVariables, type EventPayload } from "@/lib/webhooks/event";
import type { WebhookConfig } from "@/lib/webhooks/types";

export interface Counts {
  accounts: number;
  integrations: number;
  chats: number;
  openChats: number;
  messages: number;
  deliveries: number;
  attempts: number;
  queue: number;
  dueQueue: number;
  providerIds: number;
  partitions: number;
  oldestDay: string | null;
  statuses: Record<string, number>;
}

/**
 * Row counts: exact, or (`estimate`, for the full size, where counting 30 M attempts reads 30 GB) the
 * planner's after ANALYZE for the big tables.
 */
export async function countRows(url: string, estimate = false): Promise<Counts> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const exact = async (sql: string) => Number((await c.query<{ n: string }>(sql)).rows[0]!.n);
    const n = async (sql: string) => {
      const table = /FROM (\w+)$/.exec(sql)?.[1];
      if (!estimate || !table) return exact(sql);
      return exact(
        `SELECT coalesce(sum(greatest(c.reltuples, 0)), 0)::bigint AS n FROM pg_class c
         WHERE c.oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = '${table}'::regclass)
            OR (c.oid = '${table}'::regclass AND c.relkind = 'r')`,
      );
    };
    const statuses = Object.fromEntries(
      (
        await c.query<{ status: string; n: string }>(
          "SELECT status, count(*) AS n FROM deliveries GROUP BY 1",
        )
      ).rows.map((r) => [r.status, Number(r.n)]),
    );
    const oldest = await c.query<{ day: string | null }>(
      `SELECT min(expires_on)::text AS day FROM deliveries`,
    );
    return {
      accounts: await n("SELECT count(*) AS n FROM accounts"),
      integrations: await n("SELECT count(*) AS n FROM integrations"),
      chats: await n("SELECT count(*) AS n FROM chats"),
      openChats: await exact("SELECT count(*) AS n FROM chats WHERE status = 'OPEN'"),
      messages: await n("SELECT count(*) AS n FROM messages"),
      deliveries: Object.values(statuses).reduce((a, b) => a + b, 0),
      attempts: await n("SELECT count(*) AS n FROM delivery_attempts"),
      queue: await n("SELECT count(*) AS n FROM delivery_queue"),
      dueQueue: await exact("SELECT count(*) AS n FROM delivery_queue WHERE next_attempt_at <= now()"),
      providerIds: await n("SELECT count(*) AS n FROM inbound_message_ids"),
      partitions: await exact(
        "SELECT count(*) AS n FROM pg_inherits WHERE inhparent IN ('deliveries'::regclass, 'messages'::regclass, 'delivery_attempts'::regclass)",
      ),
      oldestDay: oldest.rows[0]!.day,
      statuses,
    };
  } finally {
    await c.end();
  }
}

/** Problems found (empty: fine). The consistency checks look at the busiest day's partitions. */
export async function checkGenerated(url: string): Promise<string[]> {
  const problems: string[] = [];
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const busiest = await c.query<{ day: string }>(
      `SELECT q.expires_on::text AS day FROM delivery_queue q GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`,
    );
    const day = busiest.rows[0]?.day;
    if (!day) return ["no queue rows"];
    const part = (t: string) => `${t}_p${day.replaceAll("-", "")}`;
    // Consistency: every attempt has its delivery; attempts match deliveries.attempts; queue rows have
    // PENDING/RETRYING deliveries; MESSAGE deliveries have their message.
    const one = async (sql: string) => Number((await c.query<{ n: string }>(sql)).rows[0]!.n);
    const sumAttempts = await one(`SELECT coalesce(sum(attempts), 0) AS n FROM ${part("deliveries")}`);
    const attemptRows = await one(`SELECT count(*) AS n FROM ${part("delivery_attempts")}`);
    if (sumAttempts !== attemptRows)
      problems.push(`${day}: sum(deliveries.attempts) ${sumAttempts} ≠ attempt rows ${attemptRows}`);
    const queuedWrong = await one(
      `SELECT count(*) AS n FROM delivery_queue q LEFT JOIN ${part("deliveries")} d ON d.id = q.delivery_id
       WHERE q.expires_on = '${day}' AND (d.id IS NULL OR d.status NOT IN ('PENDING', 'RETRYING') OR d.seq <> q.seq)`,
    );
    if (queuedWrong > 0)
      problems.push(`${queuedWrong} queue rows without a matching PENDING/RETRYING delivery`);
    const unqueued = await one(
      `SELECT count(*) AS n FROM ${part("deliveries")} d WHERE d.status IN ('PENDING', 'RETRYING')
       AND NOT EXISTS (SELECT 1 FROM delivery_queue q WHERE q.delivery_id = d.id)`,
    );
    if (unqueued > 0) problems.push(`${unqueued} PENDING/RETRYING deliveries without a queue row`);
    const sample = await c.query<{ message_missing: string }>(
      `SELECT count(*) FILTER (WHERE m.id IS NULL) AS message_missing FROM (
         SELECT * FROM ${part("deliveries")} WHERE event = 'MESSAGE' LIMIT 2000) d
       LEFT JOIN messages m ON m.id = d.message_id AND m.expires_on = d.expires_on AND m.chat_id = d.chat_id`,
    );
    if (Number(sample.rows[0]!.message_missing) > 0)
      problems.push(`${sample.rows[0]!.message_missing} of 2000 MESSAGE deliveries have no message`);
    // One campaign's Report tallies against a count of its rows (the count the tallies replace).
    const tally = await c.query<{ tallied: string; counted: string }>(
      `WITH one AS (SELECT id FROM campaigns ORDER BY id LIMIT 1)
       SELECT (SELECT concat_ws(' ', sum(messages_in), sum(messages_out), sum(chats_open), sum(chats_closed),
                                sum(deliveries_succeeded), sum(deliveries_failed), sum(deliveries_waiting))
               FROM campaign_tallies WHERE campaign_id = (SELECT id FROM one)) AS tallied,
              (SELECT concat_ws(' ',
                 (SELECT count(*) FROM messages m JOIN chats ch ON ch.id = m.chat_id
                  WHERE ch.campaign_id = (SELECT id FROM one) AND m.direction = 'IN'),
                 (SELECT count(*) FROM messages m JOIN chats ch ON ch.id = m.chat_id
                  WHERE ch.campaign_id = (SELECT id FROM one) AND m.direction = 'OUT'),
                 (SELECT count(*) FROM chats WHERE campaign_id = (SELECT id FROM one) AND status = 'OPEN'),
                 (SELECT count(*) FROM chats WHERE campaign_id = (SELECT id FROM one) AND status = 'CLOSED'),
                 (SELECT count(*) FILTER (WHERE d.status = 'SUCCEEDED') || ' ' || count(*) FILTER (WHERE d.status = 'FAILED')
                         || ' ' || count(*) FILTER (WHERE d.status IN ('PENDING', 'DELIVERING', 'RETRYING'))
                  FROM deliveries d JOIN chats ch ON ch.id = d.chat_id WHERE ch.campaign_id = (SELECT id FROM one))))
              AS counted`,
    );
    if (tally.rows[0] && tally.rows[0].tallied !== tally.rows[0].counted)
      problems.push(`campaign tallies ${tally.rows[0].tallied} ≠ counted ${tally.rows[0].counted}`);
    // A generated request against the app's builder (same integration, same event, masked as logged).
    const { rows } = await c.query<{
      request: { method: string; url: string; headers: Record<string, string>; body: string | null };
      started_at: Date;
      id: string;
      payload: EventPayload;
      method: WebhookConfig["method"];
      url: string;
      params: FieldRow[];
      headers: FieldRow[];
      body: FieldRow[];
    }>(
      `SELECT a.request, a.started_at, d.id, ${deliveryPayloadSql("d")} AS payload, i.method, i.url, i.params, i.headers, i.body
       FROM (SELECT * FROM ${part("deliveries")} WHERE attempts > 0 LIMIT 1) d
       JOIN delivery_attempts a ON a.delivery_id = d.id AND a.expires_on = d.expires_on AND a.attempt_number = 1
       JOIN integrations i ON i.id = d.integration_id`,
    );
    const r = rows[0];
    if (!r) problems.push("no attempt to compare with the app's request builder");
    else {
      const built = buildRequest(
        {
          method: r.method,
          url: r.url,
          params: r.params,
          headers: r.headers,
          body: r.body,
          auth: { type: "NONE" },
        },
        eventVariables(r.payload, r.id),
        { authSecret: null },
        { timestamp: Math.floor(r.started_at.getTime() / 1000), mask: true },
      );
      const mine = { ...r.request, headers: { ...r.request.headers, "webhook-signature": "(signature)" } };
      const theirs = { ...built, headers: { ...built.headers, "webhook-signature": "(signature)" } };
      if (JSON.stringify(mine) !== JSON.stringify(theirs)) {
        problems.push(
          `generated request differs from buildRequest's:\n  generated: ${JSON.stringify(mine)}\n  app:       ${JSON.stringify(theirs)}`,
        );
      }
      if (!/^v1,[A-Za-z0-9+/]{43}=$/.test(r.request.headers["webhook-signature"] ?? ""))
        problems.push(`signature header looks wrong: ${r.request.headers["webhook-signature"]}`);
    }
  } finally {
    await c.end();
  }
  return problems;
}
