// The volume benchmark's data: a realistic month of a busy platform, written with set-based SQL into a
// throwaway database (bench/scale/run.ts makes it). One step per table, in dependency order; each step
// that writes a partitioned table runs per expiry-day partition, two at a time (the machine has 2 cores),
// and inserts into the partition directly. Adding a table (say, a rollup the app adds) is one more entry
// in STEPS.
//
// What it makes (full size, --scale=1): 200 accounts (a few with 7, 14, 60 or 90 days of retention, the
// rest 30), 2,000 integrations (10 per account: 9 fed by their own connection, 1 by a Live Chatbot
// Service campaign; 20 "busy" ones carry half of all traffic), 1 M chats spread over the last 30 days
// (the last `retention` days for shorter periods), ~10 M deliveries (a MESSAGE per inbound message, an
// END per closed chat), ~30 M attempts (most deliveries succeed at once, a tail retries up to 12 times,
// ~1.5 % FAILED, ~0.5 % SKIPPED), ~12 M messages (IN, and some OUT replies), the provider ids of the
// inbound messages that have one, and a backlog of ~500 k due queue rows: the receivers of half the
// integrations (10 of the busy ones) have been down for the last ~3 days, so their events since then
// are PENDING (the first of each chat RETRYING). Attempt rows carry the request as the app logs it
// (method, URL, headers, the JSON body the integration's Body tab renders), response headers and body.
//
// Chats are planned first (bench_chat_plan: one row per chat with everything its events derive from);
// messages and deliveries expand the plan the same way, so a delivery's message id and payload match
// its message. The plan tables are dropped at the end.
import { Pool, type PoolClient } from "pg";

import { encryptSecret } from "@/lib/crypto/secrets";
import { DEFAULT_BODY_ROWS } from "@/lib/validation/integration";
import type { FieldRow } from "@/lib/validation/integration-fields";
import { deliveryPayloadSql } from "@/lib/webhooks/event";
import { USER_AGENT } from "@/lib/webhooks/headers";
import { ensurePartitions, partitionName, utcDay } from "@/lib/webhooks/partitions";
import { generateSigningSecret } from "@/lib/webhooks/sign";

export const FULL = {
  accounts: 200,
  integrationsPerAccount: 10,
  busyIntegrations: 20,
  chats: 1_000_000,
  deliveries: 10_000_000,
  backlog: 500_000,
  days: 30,
};

export interface GenOptions {
  url: string;
  /** Fraction of the full traffic (chats, deliveries, attempts, messages, backlog); accounts and
   *  integrations are always the full 200 / 2,000, so reads see the same shape at every scale. */
  scale: number;
  /** The end of the generated month (Default: now). */
  now?: Date;
  log?: (line: string) => void;
  /** Accounts' retention period for every account (the soak uses a short one); Default: the mix. */
  retentionDays?: number;
  accounts?: number;
  /** Keep the plan tables (the soak plans more chats into them). */
  keepPlan?: boolean;
  /** Partitions written at once (Default: 3 — two cores, and the writes wait on the disk too). */
  parallel?: number;
}

export interface StepTiming {
  step: string;
  ms: number;
  rows: number;
}

// Retry schedule (lib/webhooks/retry.ts): seconds from a delivery's creation to attempt k (1-based).
const ATTEMPT_OFFSETS_S = [0, 5, 35, 155, 755, 2555, 6155, 13355, 27755, 42155, 56555, 70955];

// What contacts write (lengths vary like real SMS/WhatsApp texts).
const TEXTS = [
  "Hi",
  "Yes",
  "STOP",
  "Thanks!",
  "What time do you open tomorrow?",
  "I'd like to check the status of my order #48213, it was supposed to arrive yesterday.",
  "Can I change my delivery address?",
  "ok",
  "Is the 2-for-1 offer still on this weekend? My sister said it ended on Friday but the website still shows it.",
  "Please call me back",
  "My code doesn't work",
  "Where is the nearest store?",
  "I want to cancel my appointment on Thursday",
  "👍",
  "Hello, I have a question about my bill. It shows two charges for the same month, can someone look at it?",
  "Sure, 3pm works",
  "No thanks",
  "How much is shipping to Canada?",
  "Can I speak to a person?",
  "Received, thank you. See you then!",
];
const REPLIES = [
  "Thanks for your message! An agent will get back to you shortly.",
  "Your order is on its way and should arrive within 2 business days.",
  "We're open 9am–6pm Monday to Saturday.",
  "Done — your appointment has been cancelled.",
];

/** The Body tab the generated integrations have: the spec's six fields and six more variables. */
export const SCALE_BODY_ROWS: FieldRow[] = [
  ...DEFAULT_BODY_ROWS,
  { key: "channel", value: "channel", type: "VARIABLE" },
  { key: "connectionCode", value: "connectionCode", type: "VARIABLE" },
  { key: "integrationId", value: "integrationId", type: "VARIABLE" },
  { key: "alias", value: "alias", type: "VARIABLE" },
  { key: "timestamp", value: "timestamp", type: "VARIABLE" },
  { key: "deliveryId", value: "deliveryId", type: "VARIABLE" },
];
export const scaleHeaders = (accountRef: string): FieldRow[] => [
  { key: "X-Source", value: "custom-webhook", type: "TEXT" },
  { key: "X-Account-Ref", value: accountRef, type: "TEXT" },
];
export const SCALE_PARAMS: FieldRow[] = [{ key: "source", value: "portal", type: "TEXT" }];

const sqlText = (s: string) => `'${s.replace(/'/g, "''")}'`;
const sqlArray = (items: string[]) => `ARRAY[${items.map(sqlText).join(", ")}]::text[]`;

// ------------------------------------------------------------------ the event expansion

// One row per event of the planned chats of one partition (and one batch): MESSAGE events at even steps
// over the chat's span, END at closed_at. Messages and deliveries both expand this, so they agree.
const EVENTS = `
SELECT p.*, g.pos, g.pos > p.n_msg AS is_end,
       CASE WHEN g.pos > p.n_msg THEN p.closed_at
            ELSE p.opened_at + p.span * ((g.pos - 1)::float8 / p.n_msg) END AS at,
       md5(p.chat_id::text || ':' || g.pos)::uuid AS message_id,
       CASE WHEN g.pos > p.n_msg THEN NULL
            ELSE (${sqlArray(TEXTS)})[1 + (p.seed + g.pos * 7) % ${TEXTS.length}] END AS text,
       CASE WHEN g.pos <= p.n_msg AND (p.seed + g.pos * 13) % 20 = 0
            THEN 'https://media.example.net/m/' || md5(p.chat_id::text || g.pos) || '.jpg' END AS media_url
FROM bench_chat_plan p CROSS JOIN LATERAL generate_series(1, p.n_msg + p.closed::int) AS g(pos)
WHERE p.expires_on = $1::date AND p.batch = $2`;

const isoMs = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

// ------------------------------------------------------------------ steps

interface Ctx {
  pool: Pool;
  batch: number;
  now: Date;
  /** Expiry days (partitions) that hold planned chats of this batch. */
  days: string[];
  /** Days whose chats include backlogged ones (the queue step only looks there). */
  backlogDays: string[];
  /** Days with events in the last two days (the rollups' window). */
  recentDays: string[];
  log: (line: string) => void;
}

interface Step {
  table: string;
  /** Once (setup tables) or per partition day. */
  run: (ctx: Ctx, day?: string) => Promise<number>;
  perDay?: "all" | "backlog" | "recent";
}

async function q(pool: Pool | PoolClient, text: string, values: unknown[] = []): Promise<number> {
  const r = await pool.query(text, values);
  return r.rowCount ?? 0;
}

/** The traffic steps (per partition), shared by the month's generation and the soak's ticks. */
export const TRAFFIC_STEPS: Step[] = [
  {
    table: "chats",
    perDay: "all",
    run: ({ pool, batch }, day) =>
      q(
        pool,
        `INSERT INTO chats (id, account_id, connection_id, contact, status, integration_id, campaign_id,
                            opened_at, closed_at, last_message_at, last_message_preview)
         SELECT chat_id, account_id, connection_id, contact,
                (CASE WHEN closed THEN 'CLOSED' ELSE 'OPEN' END)::chat_status, integration_id, campaign_id,
                opened_at, CASE WHEN closed THEN closed_at END,
                opened_at + span * ((n_msg - 1)::float8 / n_msg),
                -- The last message (the messages step's texts): a reply to the last one, else the last one.
                left(CASE WHEN (seed + n_msg * 3) % 4 = 0 AND opened_at + span * ((n_msg - 1)::float8 / n_msg)
                                 + interval '4 seconds' < closed_at
                          THEN (${sqlArray(REPLIES)})[1 + (seed + n_msg) % ${REPLIES.length}]
                          ELSE (${sqlArray(TEXTS)})[1 + (seed + n_msg * 7) % ${TEXTS.length}] END, 200)
         FROM bench_chat_plan WHERE expires_on = $1::date AND batch = $2`,
        [day, batch],
      ),
  },
  {
    table: "messages",
    perDay: "all",
    run: ({ pool, batch }, day) =>
      q(
        pool,
        `WITH ev AS (${EVENTS})
         INSERT INTO ${partitionName("messages", day!)} (id, account_id, chat_id, direction, text, multimedia_url,
                multimedia_caption, external_id, send_status, created_at, expires_on)
         SELECT message_id, account_id, chat_id, 'IN'::message_direction, text, media_url,
                CASE WHEN media_url IS NOT NULL THEN 'photo' END, NULL, NULL, at, expires_on
         FROM ev WHERE NOT is_end
         UNION ALL
         SELECT md5(message_id::text || 'out')::uuid, account_id, chat_id, 'OUT'::message_direction,
                (${sqlArray(REPLIES)})[1 + (seed + pos) % ${REPLIES.length}], NULL, NULL,
                CASE provider WHEN 'TWILIO' THEN 'SM' || md5(message_id::text || 'o') END, 'SENT',
                at + interval '4 seconds', expires_on
         FROM ev WHERE NOT is_end AND (seed + pos * 3) % 4 = 0 AND at + interval '4 seconds' < closed_at`,
        [day, batch],
      ),
  },
  {
    table: "inbound_message_ids",
    perDay: "all",
    run: ({ pool, batch }, day) =>
      q(
        pool,
        `WITH ev AS (${EVENTS})
         INSERT INTO inbound_message_ids (external_id, account_id, chat_id, message_id, expires_on)
         SELECT CASE provider WHEN 'TWILIO' THEN 'SM' || md5(message_id::text)
                              WHEN 'WHATSAPP_CLOUD' THEN 'wamid.HBgL' || upper(md5(message_id::text)) END,
                account_id, chat_id, message_id, expires_on
         FROM ev WHERE NOT is_end AND provider IN ('TWILIO', 'WHATSAPP_CLOUD')`,
        [day, batch],
      ),
  },
  {
    table: "deliveries",
    perDay: "all",
    // Outcome classes (u): 71 % succeed at the first attempt, 5 % at the second, 1.5 % fail (half at once
    // with a 404, half after 12 attempts), 22.5 % succeed after 8–12 attempts — 3 attempts on average.
    // Backlogged (down integration, since $3): PENDING, the chat's first one RETRYING. Skipped chats:
    // SKIPPED. seq follows created_at (µs), as insert order does in the app.
    run: ({ pool, batch, now }, day) =>
      q(
        pool,
        `WITH ev AS (${EVENTS}),
         o AS (
           SELECT ev.*, random() AS u, random() AS u2,
                  (down AND at > $3::timestamptz) AS queued,
                  (down AND at > $3::timestamptz AND
                   (pos = 1 OR opened_at + span * ((pos - 2)::float8 / n_msg) <= $3::timestamptz)) AS first_queued
           FROM ev
         ),
         c AS (
           SELECT o.*,
             CASE WHEN queued AND first_queued THEN 'RETRYING' WHEN queued THEN 'PENDING'
                  WHEN skipped THEN 'SKIPPED'
                  WHEN u >= 0.7597 AND u < 0.7747 THEN 'FAILED'
                  ELSE 'SUCCEEDED' END AS status,
             CASE WHEN queued AND first_queued THEN 1 + floor(u * 5)::int WHEN queued OR skipped THEN 0
                  WHEN u < 0.7097 THEN 1 WHEN u < 0.7597 THEN 2 WHEN u < 0.7672 THEN 1 WHEN u < 0.7747 THEN 12
                  ELSE 8 + floor((u - 0.7747) / 0.2253 * 5)::int END AS attempts
           FROM o
         )
         INSERT INTO ${partitionName("deliveries", day!)} (id, account_id, integration_id, chat_id, message_id, seq,
                event, payload, status, attempts, window_started_at, attempts_before_window, next_attempt_at,
                last_status_code, last_error, last_latency_ms, is_test, created_at, completed_at, expires_on)
         SELECT md5(chat_id::text || ':d' || pos)::uuid, account_id, integration_id, chat_id, CASE WHEN is_end THEN NULL ELSE message_id END,
                (extract(epoch FROM at) * 1000000)::bigint - 1700000000000000,
                (CASE WHEN is_end THEN 'END' ELSE 'MESSAGE' END)::event_type,
                -- As the app stores it (migration 0017): without what the row and its message repeat.
                stored_event_payload(jsonb_build_object('chatId', chat_id, 'contact', contact,
                  'event', CASE WHEN is_end THEN 'END' ELSE 'MESSAGE' END, 'text', text,
                  'multimediaUrl', media_url, 'multimediaCaption', CASE WHEN media_url IS NOT NULL THEN 'photo' END,
                  'channel', channel, 'connectionCode', code, 'integrationId', integration_id, 'alias', alias,
                  'timestamp', ${isoMs("at")}), NOT is_end),
                status::delivery_status, attempts, at, 0,
                CASE WHEN status = 'RETRYING' THEN $4::timestamptz - u2 * interval '30 minutes'
                     WHEN attempts = 0 THEN at
                     ELSE at + ${sqlOffsets("attempts")} END,
                CASE WHEN attempts = 0 THEN NULL WHEN status = 'SUCCEEDED' THEN 200
                     WHEN status = 'FAILED' AND attempts = 1 THEN 404 WHEN attempts % 3 = 1 THEN NULL ELSE 503 END,
                CASE WHEN attempts = 0 OR status = 'SUCCEEDED' THEN NULL
                     WHEN status = 'FAILED' AND attempts = 1 THEN 'HTTP 404'
                     WHEN attempts % 3 = 1 THEN 'No response within 15 s' ELSE 'HTTP 503' END,
                CASE WHEN attempts = 0 THEN NULL WHEN status = 'SUCCEEDED' THEN 25 + floor(u2 * 250)::int
                     WHEN attempts % 3 = 1 AND status <> 'FAILED' THEN 15000 ELSE 40 + floor(u2 * 120)::int END,
                false, at,
                CASE WHEN status IN ('SUCCEEDED', 'FAILED') THEN at + ${sqlOffsets("attempts")} + interval '0.3 s'
                     WHEN status = 'SKIPPED' THEN at + interval '2 hours' END,
                expires_on
         FROM c`,
        [day, batch, backlogSince(now), now],
      ),
  },
  {
    table: "delivery_attempts",
    perDay: "all",
    // Attempt k of a delivery: the last one carries the outcome (200, or the 404 of a permanent failure);
    // the ones before failed (503, or a timeout every third time). The request as the worker logs it
    // (lib/webhooks/attempt.ts, masked): method, URL with the Params, the headers in buildRequest's order,
    // the Body rows rendered as JSON — except the signature, a real-looking `v1,<base64 of 32 bytes>` where
    // the app logs a masked one (`v1,••••••••`).
    run: ({ pool, batch }, day) =>
      q(
        pool,
        `INSERT INTO ${partitionName("delivery_attempts", day!)} (delivery_id, account_id, attempt_number,
                expires_on, started_at, duration_ms, request, request_repeats, response_status, response_headers,
                response_body, error_class, error_message)
         SELECT d.id, d.account_id, k, d.expires_on, t.started,
                CASE WHEN t.outcome = 'ok' THEN 25 + (k * 37 + d.seq % 200)::int % 250
                     WHEN t.outcome = 'timeout' THEN 15000 ELSE 40 + (d.seq % 120)::int END,
                -- As the app stores a retry whose request is unchanged: not again (request_repeats).
                CASE WHEN k = 1 THEN b.request END, CASE WHEN k > 1 THEN 1 END,
                CASE t.outcome WHEN 'ok' THEN 200 WHEN 'gone' THEN 404 WHEN 'timeout' THEN NULL ELSE 503 END,
                CASE t.outcome WHEN 'timeout' THEN NULL WHEN 'ok' THEN b.ok_headers ELSE b.error_headers END,
                CASE t.outcome WHEN 'ok' THEN b.ok_body WHEN 'gone' THEN 'Not Found' WHEN 'timeout' THEN NULL
                     ELSE 'Service Unavailable' END,
                (CASE t.outcome WHEN 'ok' THEN NULL WHEN 'timeout' THEN 'TIMEOUT' ELSE 'HTTP_STATUS' END)::attempt_error,
                CASE t.outcome WHEN 'ok' THEN NULL WHEN 'gone' THEN 'HTTP 404' WHEN 'timeout' THEN 'No response within 15 s'
                     ELSE 'HTTP 503' END
         FROM ${partitionName("deliveries", day!)} d
         JOIN bench_integrations i ON i.id = d.integration_id
         -- The event's text and media are its message's (same day; event_payload() per row is much slower).
         LEFT JOIN ${partitionName("messages", day!)} m ON m.id = d.message_id
         -- Once per delivery (OFFSET 0 keeps it from being pulled up into every attempt row): the request
         -- and the response headers. A delivery's attempts share them (one webhook-timestamp and
         -- signature): a distinct 1 KB JSON per attempt doubled the generation time on a 2-core machine.
         CROSS JOIN LATERAL (SELECT
           ('{"method":"POST","url":' || to_json(i.request_url)::text
             || ',"headers":{"user-agent":"${USER_AGENT}","x-source":"custom-webhook","x-account-ref":'
             || to_json(i.account_ref)::text || ',"content-type":"application/json","webhook-id":"' || d.id
             || '","webhook-timestamp":"' || floor(extract(epoch FROM d.created_at))::bigint
             || '","webhook-signature":"v1,' || encode(sha256(uuid_send(d.id)), 'base64')
             || '"},"body":' || to_json(
             '{"chatId":"' || d.chat_id || '","contact":' || to_json(d.payload->>'contact')::text
             || ',"event":"' || d.event || '","text":' || coalesce(to_json(m.text)::text, 'null')
             || ',"multimedia":{"url":' || coalesce(to_json(m.multimedia_url)::text, 'null')
             || ',"caption":' || coalesce(to_json(m.multimedia_caption)::text, 'null')
             || '},"channel":"' || i.channel || '","connectionCode":' || to_json(i.code)::text
             || ',"integrationId":"' || d.integration_id || '","alias":' || to_json(i.alias)::text
             || ',"timestamp":"' || event_timestamp(d.created_at) || '","deliveryId":"' || d.id || '"}')::text
             || '}')::json AS request,
           ('{"content-type":"application/json; charset=utf-8","content-length":"47","date":"' || h.date
             || '","server":"nginx/1.25.3","x-request-id":"' || md5(d.id::text) || '"}')::json AS ok_headers,
           ('{"content-type":"text/html","content-length":"19","date":"' || h.date
             || '","server":"nginx/1.25.3","x-request-id":"' || md5(d.id::text || 'e') || '"}')::json AS error_headers,
           '{"ok":true,"received":"' || left(d.id::text, 23) || '"}' AS ok_body
           FROM (SELECT to_char(d.created_at AT TIME ZONE 'UTC', 'Dy, DD Mon YYYY HH24:MI:SS') || ' GMT' AS date) h
           OFFSET 0) b
         CROSS JOIN LATERAL generate_series(1, d.attempts) AS k
         CROSS JOIN LATERAL (SELECT
           d.created_at + (${sqlArrayInt(ATTEMPT_OFFSETS_S)})[least(k, 12)] * interval '1 second'
             + CASE WHEN k > 1 THEN ((d.seq + k) % 1000) * interval '1 millisecond' ELSE interval '0' END AS started,
           CASE WHEN k = d.attempts AND d.status = 'SUCCEEDED' THEN 'ok'
                WHEN k = d.attempts AND d.status = 'FAILED' AND d.attempts = 1 THEN 'gone'
                WHEN k % 3 = 1 THEN 'timeout' ELSE 'unavailable' END AS outcome) t
         WHERE d.attempts > 0
           AND d.chat_id IN (SELECT chat_id FROM bench_chat_plan WHERE expires_on = $1::date AND batch = $2)`,
        [day, batch],
      ),
  },
  {
    table: "delivery_queue",
    perDay: "backlog",
    run: ({ pool, batch }, day) =>
      q(
        pool,
        `INSERT INTO delivery_queue (delivery_id, expires_on, account_id, integration_id, chat_id, seq, next_attempt_at,
                                     attempts, status, event, payload, window_started_at, attempts_before_window)
         SELECT d.id, d.expires_on, d.account_id, d.integration_id, d.chat_id, d.seq, d.next_attempt_at, d.attempts,
                d.status, d.event, ${deliveryPayloadSql("d")}, d.window_started_at, d.attempts_before_window
         FROM ${partitionName("deliveries", day!)} d
         WHERE d.status IN ('PENDING', 'RETRYING')
           AND d.chat_id IN (SELECT chat_id FROM bench_chat_plan WHERE expires_on = $1::date AND batch = $2)`,
        [day, batch],
      ),
  },
  {
    table: "delivery_minutes",
    perDay: "recent",
    // The chart's per-minute rollups (migration 0010) of the last two days (ROLLUP_KEEP_MS), folded, as
    // the migration backfills them: the statement triggers that append them fire only for statements on
    // the parent table, and these steps write the partitions directly. (unsuccessful_deliveries needs no
    // step: its row triggers are cloned onto every partition.)
    run: ({ pool, batch, now }, day) =>
      q(
        pool,
        `INSERT INTO delivery_minutes (account_id, integration_id, minute, latency_bucket, pending, retrying, succeeded,
                                       failed, skipped, folded)
         SELECT account_id, integration_id, date_trunc('minute', created_at),
                CASE WHEN status IN ('SUCCEEDED', 'FAILED', 'RETRYING') THEN latency_bucket(last_latency_ms) END,
                count(*) FILTER (WHERE status IN ('PENDING', 'DELIVERING')), count(*) FILTER (WHERE status = 'RETRYING'),
                count(*) FILTER (WHERE status = 'SUCCEEDED'), count(*) FILTER (WHERE status = 'FAILED'),
                count(*) FILTER (WHERE status = 'SKIPPED'), true
         FROM ${partitionName("deliveries", day!)} d
         WHERE NOT is_test AND created_at >= $3::timestamptz - interval '2 days'
           AND d.chat_id IN (SELECT chat_id FROM bench_chat_plan WHERE expires_on = $1::date AND batch = $2)
         GROUP BY 1, 2, 3, 4`,
        [day, batch, now],
      ),
  },
  {
    table: "delivery_hours",
    perDay: "all",
    // Succeeded per hour (migration 0013), as the rollup fold leaves it.
    run: ({ pool, batch }, day) =>
      q(
        pool,
        `INSERT INTO delivery_hours AS h (account_id, integration_id, hour, succeeded)
         SELECT account_id, integration_id, date_trunc('hour', created_at), count(*)
         FROM ${partitionName("deliveries", day!)} d
         WHERE status = 'SUCCEEDED'
           AND d.chat_id IN (SELECT chat_id FROM bench_chat_plan WHERE expires_on = $1::date AND batch = $2)
         GROUP BY 1, 2, 3
         ON CONFLICT (integration_id, hour, account_id) DO UPDATE SET succeeded = h.succeeded + excluded.succeeded`,
        [day, batch],
      ),
  },
  {
    table: "campaign_tallies",
    perDay: "all",
    // The campaigns' Report tallies (migration 0012) of this day's messages and deliveries, folded, as the
    // migration backfills them (its triggers fire for the parent tables only; the chats' fired already).
    run: ({ pool, batch }, day) =>
      q(
        pool,
        `WITH plan AS (
           SELECT chat_id, campaign_id FROM bench_chat_plan
           WHERE expires_on = $1::date AND batch = $2 AND campaign_id IS NOT NULL
         )
         INSERT INTO campaign_tallies (account_id, campaign_id, messages_in, messages_out, deliveries_waiting,
                                       deliveries_succeeded, deliveries_failed, deliveries_skipped, folded)
         SELECT (SELECT account_id FROM campaigns c WHERE c.id = t.campaign_id), campaign_id, sum(m_in), sum(m_out),
                sum(waiting), sum(succeeded), sum(failed), sum(skipped), true
         FROM (
           SELECT p.campaign_id, count(*) FILTER (WHERE m.direction = 'IN') AS m_in,
                  count(*) FILTER (WHERE m.direction = 'OUT') AS m_out, 0 AS waiting, 0 AS succeeded, 0 AS failed,
                  0 AS skipped
           FROM ${partitionName("messages", day!)} m JOIN plan p ON p.chat_id = m.chat_id GROUP BY 1
           UNION ALL
           SELECT p.campaign_id, 0, 0, count(*) FILTER (WHERE campaign_delivery_state(d.status::text) = 'WAITING'),
                  count(*) FILTER (WHERE d.status = 'SUCCEEDED'), count(*) FILTER (WHERE d.status = 'FAILED'),
                  count(*) FILTER (WHERE d.status = 'SKIPPED')
           FROM ${partitionName("deliveries", day!)} d JOIN plan p ON p.chat_id = d.chat_id GROUP BY 1
         ) t GROUP BY campaign_id`,
        [day, batch],
      ),
  },
];

function sqlArrayInt(items: number[]) {
  return `ARRAY[${items.join(", ")}]::int[]`;
}
function sqlOffsets(attemptsCol: string) {
  return `(${sqlArrayInt(ATTEMPT_OFFSETS_S)})[greatest(1, least(${attemptsCol}, 12))] * interval '1 second'`;
}

/** The backlog: down integrations' events since this time (about 3 days before the end). */
export const BACKLOG_HOURS = 72;
const backlogSince = (now: Date) => new Date(now.getTime() - BACKLOG_HOURS * 3_600_000);

// ------------------------------------------------------------------ setup

/** Accounts, connections, integrations (+ their connections), campaigns: the month's fixed part. */
async function setup(pool: Pool, opts: GenOptions, now: Date): Promise<StepTiming[]> {
  const timings: StepTiming[] = [];
  const accounts = opts.accounts ?? FULL.accounts;
  const perAccount = FULL.integrationsPerAccount;
  const busy = Math.min(FULL.busyIntegrations, accounts);
  const signing = encryptSecret(generateSigningSecret());
  const timed = async (step: string, fn: () => Promise<number>) => {
    const t0 = performance.now();
    const rows = await fn();
    timings.push({ step, ms: performance.now() - t0, rows });
  };
  // Retention mix: every 40 accounts, one each with 7, 14, 60 and 90 days; the busy ones keep 30.
  const retention = opts.retentionDays
    ? String(opts.retentionDays)
    : `CASE a % 40 WHEN 39 THEN 7 WHEN 38 THEN 14 WHEN 37 THEN 60 WHEN 36 THEN 90 ELSE 30 END`;
  await timed("accounts", async () => {
    await q(
      pool,
      `CREATE UNLOGGED TABLE bench_accounts AS
       SELECT a, gen_random_uuid() AS id, ${retention} AS retention FROM generate_series(0, $1 - 1) a`,
      [accounts],
    );
    return q(
      pool,
      `INSERT INTO accounts (id, name, retention_days, created_at)
       SELECT id, 'Scale account ' || lpad(a::text, 3, '0'), retention, $1::timestamptz - interval '120 days'
       FROM bench_accounts ORDER BY a`,
      [now],
    );
  });
  // Integration n: account n / 10, j = n % 10; j = 0 of the first 20 accounts is busy; j = 9 is fed by
  // the account's Chatbot Service campaign. Down (receivers failing for 3 days): 10 busy, half of the rest.
  await timed("connections", async () => {
    await q(
      pool,
      `CREATE UNLOGGED TABLE bench_integrations AS
       SELECT n, n / ${perAccount} AS a, n % ${perAccount} AS j, gen_random_uuid() AS id, gen_random_uuid() AS connection_id,
              CASE WHEN n % ${perAccount} = ${perAccount - 1} THEN gen_random_uuid() END AS campaign_id,
              CASE WHEN n % 3 = 0 THEN 'WHATSAPP' ELSE 'SMS' END AS channel,
              CASE WHEN n % 3 = 0 THEN 'WHATSAPP_CLOUD' WHEN n % 2 = 0 THEN 'TWILIO' ELSE 'SIMULATOR' END AS provider,
              '+1800' || lpad(n::text, 7, '0') AS code,
              (n % ${perAccount} = 0 AND n / ${perAccount} < ${busy}) AS busy,
              CASE WHEN n % ${perAccount} = 0 AND n / ${perAccount} < ${busy} THEN 'Busy hook ' || lpad((n / ${perAccount})::text, 2, '0')
                   ELSE 'Hook ' || lpad((n / ${perAccount})::text, 3, '0') || '-' || (n % ${perAccount}) END AS alias,
              'https://hooks.customer-' || (n / ${perAccount}) || '.example.com/webhooks/chat-events' AS url,
              'acct-' || lpad((n / ${perAccount})::text, 4, '0') AS account_ref
       FROM generate_series(0, $1 - 1) n`,
      [accounts * perAccount],
    );
    await q(
      pool,
      `ALTER TABLE bench_integrations ADD COLUMN request_url text, ADD COLUMN down boolean, ADD COLUMN account_id uuid,
         ADD COLUMN retention int`,
    );
    await q(
      pool,
      `UPDATE bench_integrations i SET request_url = url || '?source=portal',
         down = CASE WHEN busy THEN i.a % 2 = 1 ELSE n % 2 = 1 END, account_id = ba.id, retention = ba.retention
       FROM bench_accounts ba WHERE ba.a = i.a`,
    );
    await q(pool, "CREATE UNIQUE INDEX ON bench_integrations (id)");
    return q(
      pool,
      `INSERT INTO connections (id, account_id, channel, code, provider, created_at)
       SELECT connection_id, account_id, channel::channel, code, provider::channel_provider,
              $1::timestamptz - interval '100 days'
       FROM bench_integrations ORDER BY n`,
      [now],
    );
  });
  await timed("integrations", async () => {
    const rows = await q(
      pool,
      `INSERT INTO integrations (id, account_id, alias, method, url, params, headers, body, auth, signing_secret, status,
                                 max_attempts, max_age_seconds, created_at, updated_at)
       SELECT id, account_id, alias, 'POST', url, $1::jsonb,
              jsonb_build_array(jsonb_build_object('key', 'X-Source', 'value', 'custom-webhook', 'type', 'TEXT'),
                                jsonb_build_object('key', 'X-Account-Ref', 'value', account_ref, 'type', 'TEXT')),
              $2::jsonb, '{"type":"NONE"}'::jsonb, $3, 'ACTIVE', 12,
              CASE WHEN down THEN 7 * 86400 ELSE 86400 END,
              $4::timestamptz - interval '90 days', $4::timestamptz - interval '90 days'
       FROM bench_integrations ORDER BY n`,
      [JSON.stringify(SCALE_PARAMS), JSON.stringify(SCALE_BODY_ROWS), signing, now],
    );
    await q(
      pool,
      `INSERT INTO integration_connections (account_id, integration_id, connection_id, created_at)
       SELECT account_id, id, connection_id, $1::timestamptz - interval '90 days'
       FROM bench_integrations WHERE campaign_id IS NULL ORDER BY n`,
      [now],
    );
    return rows;
  });
  await timed("campaigns", async () => {
    const rows = await q(
      pool,
      `INSERT INTO campaigns (id, account_id, name, type, status, integration_id, integration_date, created_at, updated_at)
       SELECT campaign_id, account_id, 'Support bot ' || lpad(a::text, 3, '0'), 'CHATBOT', 'LIVE', id,
              $1::timestamptz - interval '60 days', $1::timestamptz - interval '60 days', $1::timestamptz - interval '60 days'
       FROM bench_integrations WHERE campaign_id IS NOT NULL ORDER BY n`,
      [now],
    );
    await q(
      pool,
      `INSERT INTO campaign_connections (account_id, campaign_id, connection_id)
       SELECT account_id, campaign_id, connection_id FROM bench_integrations WHERE campaign_id IS NOT NULL ORDER BY n`,
    );
    return rows;
  });
  return timings;
}

// ------------------------------------------------------------------ plan

/**
 * Plans `chats` chats opened between `from` and `to` (each account's share within its last
 * `retention` days of that window), into bench_chat_plan under `batch`. Busy integrations get half
 * the chats; the rest share the other half (each with its own weight). Returns the plan's days.
 */
export async function planChats(
  pool: Pool,
  {
    batch,
    chats,
    from,
    to,
    deliveries,
    openShare = 0.5,
  }: {
    batch: number;
    chats: number;
    from: Date;
    to: Date;
    deliveries: number;
    /** Of the chats opened in the last day, the share still OPEN (the rest closed, with END). */
    openShare?: number;
  },
): Promise<{ days: string[]; backlogDays: string[]; recentDays: string[] }> {
  await q(
    pool,
    `CREATE UNLOGGED TABLE IF NOT EXISTS bench_chat_plan (
       batch int, chat_id uuid, account_id uuid, integration_id uuid, connection_id uuid, campaign_id uuid,
       contact text, channel text, code text, alias text, provider text, expires_on date, opened_at timestamptz,
       span interval, closed boolean, closed_at timestamptz, n_msg int, seed int, skipped boolean, down boolean)`,
  );
  await q(pool, "CREATE INDEX IF NOT EXISTS bench_chat_plan_day ON bench_chat_plan (expires_on, batch)");
  await q(pool, "CREATE INDEX IF NOT EXISTS bench_chat_plan_chat ON bench_chat_plan (chat_id)");
  if (chats <= 0) return { days: [], backlogDays: [], recentDays: [] };
  // Messages per chat: 1 + floor(an exponential draw) (which averages its mean − ½), so that
  // deliveries ≈ chats × (messages + the share closed, with an END).
  const closedShare = 0.98;
  const meanExtra = Math.max(0, deliveries / chats - closedShare - 1 + 0.5);
  await q(
    pool,
    `WITH w AS (
       SELECT i.*, (CASE WHEN busy THEN 1.0 ELSE 0.2 + (n * 7919 % 1000) / 625.0 END)
                   * least(30, retention) / 30.0 AS w0
       FROM bench_integrations i
     ),
     s AS (SELECT w.*, w0 / sum(w0) OVER (PARTITION BY busy) * 0.5 AS share FROM w),
     i AS (SELECT s.*, round($1 * share)::int AS n_chats FROM s),
     c AS (
       SELECT i.*, g.k, random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5,
              (floor(random() * 1000000))::int AS seed,
              greatest($2::timestamptz, $3::timestamptz - least(30, i.retention) * interval '1 day') AS win_start
       FROM i CROSS JOIN LATERAL generate_series(1, i.n_chats) AS g(k)
     ),
     o AS (
       SELECT c.*, win_start + ($3::timestamptz - win_start - interval '1 minute') * r1 AS opened_at FROM c
     ),
     e AS (
       SELECT o.*, least(date_trunc('day', opened_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' + interval '1 day',
                         $3::timestamptz) - opened_at AS avail
       FROM o
     ),
     f AS (
       SELECT e.*, least(interval '6 hours' * r2, avail * 0.9) AS span,
              (opened_at < $3::timestamptz - interval '1 day' OR r3 >= $6) AS closed
       FROM e
     )
     INSERT INTO bench_chat_plan
     SELECT $4, gen_random_uuid(), account_id, id, connection_id, campaign_id,
            CASE WHEN closed THEN '+1' || lpad((n::bigint * 100000 + floor(r4 * greatest(10, n_chats / 3)))::text, 10, '0')
                 ELSE '+44' || lpad((n::bigint * 1000000 + k)::text, 10, '0') END,
            channel, code, alias, provider,
            (opened_at AT TIME ZONE 'UTC')::date + retention + 1,
            opened_at, span, closed, opened_at + span + least(interval '10 minutes', (avail - span) * 0.5),
            least(200, 1 + floor(-ln(1 - r5) * $5))::int, seed, (NOT busy AND seed % 200 = 0), down
     FROM f`,
    [chats, from, to, batch, meanExtra, openShare],
  );
  const { rows } = await pool.query<{ day: string; backlog: boolean; recent: boolean }>(
    `SELECT expires_on::text AS day, bool_or(down AND opened_at + span > $2::timestamptz) AS backlog,
            bool_or(closed_at >= $3::timestamptz - interval '2 days') AS recent
     FROM bench_chat_plan WHERE batch = $1 GROUP BY expires_on ORDER BY count(*) DESC`,
    [batch, backlogSince(to), to],
  );
  return {
    days: rows.map((r) => r.day),
    backlogDays: rows.filter((r) => r.backlog).map((r) => r.day),
    recentDays: rows.filter((r) => r.recent).map((r) => r.day),
  };
}

/** Runs the traffic steps for one planned batch; per-table timings. */
export async function runTrafficSteps(
  pool: Pool,
  ctx: Omit<Ctx, "pool">,
  parallel = 2,
): Promise<StepTiming[]> {
  const timings: StepTiming[] = [];
  for (const step of TRAFFIC_STEPS) {
    const t0 = performance.now();
    const days =
      step.perDay === "backlog" ? ctx.backlogDays : step.perDay === "recent" ? ctx.recentDays : ctx.days;
    let rows = 0;
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(parallel, days.length) }, async () => {
        while (next < days.length) {
          const day = days[next++]!;
          const n = await step.run({ ...ctx, pool }, day);
          rows += n;
        }
      }),
    );
    timings.push({ step: step.table, ms: performance.now() - t0, rows });
    ctx.log(
      `    ${step.table.padEnd(20)} ${rows.toLocaleString("en").padStart(12)} rows  ${fmtS(performance.now() - t0)}`,
    );
  }
  return timings;
}

const fmtS = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** A pool for generation: each connection with asynchronous commit and room to sort. */
export function generatorPool(url: string, max = 2): Pool {
  const pool = new Pool({
    connectionString: url,
    max,
    options: "-c synchronous_commit=off -c work_mem=64MB -c maintenance_work_mem=512MB -c jit=off",
  });
  pool.on("error", () => {});
  return pool;
}

/** Makes the partitions a month of traffic needs (and those the app keeps ahead), as the app does. */
export async function ensureGeneratorPartitions(pool: Pool, first: string, now: Date) {
  // From the oldest day written to today, then today on as far ahead as the app keeps them.
  await pool.query("SELECT ensure_expiry_partitions(least($1::date, $2::date), $2::date)", [
    first,
    utcDay(now),
  ]);
  await ensurePartitions(pool, now);
}

/**
 * Generates the month into the (migrated, empty) database at `url`. `scale` 0 makes only the fixed part
 * (accounts, connections, integrations, campaigns) and the partitions: the empty database the hot
 * path is compared against.
 */
export async function generate(opts: GenOptions): Promise<{ timings: StepTiming[]; totalMs: number }> {
  const log = opts.log ?? console.log;
  const now = opts.now ?? new Date();
  const parallel = opts.parallel ?? 3;
  const pool = generatorPool(opts.url, parallel);
  const t0 = performance.now();
  try {
    const timings: StepTiming[] = [];
    for (const t of await setup(pool, opts, now)) {
      timings.push(t);
      log(`    ${t.step.padEnd(20)} ${t.rows.toLocaleString("en").padStart(12)} rows  ${fmtS(t.ms)}`);
    }
    // After the accounts: the app makes partitions as far ahead as the longest period in force.
    const tp = performance.now();
    await ensureGeneratorPartitions(pool, utcDay(now), now);
    timings.push({ step: "partitions", ms: performance.now() - tp, rows: 0 });
    log(`    ${"partitions".padEnd(20)} ${"".padStart(12)}       ${fmtS(performance.now() - tp)}`);
    const chats = Math.round(FULL.chats * opts.scale);
    const tplan = performance.now();
    const plan = await planChats(pool, {
      batch: 0,
      chats,
      from: new Date(now.getTime() - FULL.days * 86_400_000),
      to: now,
      deliveries: FULL.deliveries * opts.scale,
    });
    timings.push({ step: "plan", ms: performance.now() - tplan, rows: chats });
    log(
      `    ${"(chat plan)".padEnd(20)} ${chats.toLocaleString("en").padStart(12)} rows  ${fmtS(performance.now() - tplan)}`,
    );
    timings.push(...(await runTrafficSteps(pool, { batch: 0, now, ...plan, log }, parallel)));
    const tf = performance.now();
    await finish(pool, opts.keepPlan);
    timings.push({ step: "analyze", ms: performance.now() - tf, rows: 0 });
    log(`    ${"(seq, ANALYZE)".padEnd(20)} ${"".padStart(12)}       ${fmtS(performance.now() - tf)}`);
    return { timings, totalMs: performance.now() - t0 };
  } finally {
    await pool.end();
  }
}

/** The deliveries sequence past the generated seqs, the plan tables gone, statistics fresh. */
export async function finish(pool: Pool, keepPlan = false) {
  await pool.query(
    "SELECT setval('deliveries_seq_seq', greatest(1, coalesce((SELECT max(seq) FROM deliveries), 0)) + 1, false)",
  );
  // As the engine keeps the queue: a chat's later events fall due no earlier than its retrying head
  // (enqueue and completion hold them back), so claims do not walk events that cannot go yet.
  await pool.query(
    `UPDATE delivery_queue f SET next_attempt_at = h.next_attempt_at
     FROM delivery_queue h
     WHERE h.integration_id = f.integration_id AND h.chat_id = f.chat_id AND h.seq < f.seq
       AND h.status = 'RETRYING' AND f.next_attempt_at < h.next_attempt_at`,
  );
  // …and, held behind an earlier queued event of their chat, are out of the claims' way (blocked).
  await pool.query(
    `UPDATE delivery_queue f SET blocked = true
     WHERE EXISTS (SELECT 1 FROM delivery_queue p
                   WHERE p.integration_id = f.integration_id AND p.chat_id = f.chat_id AND p.seq < f.seq)`,
  );
  if (!keepPlan && !process.env.SCALE_KEEP_PLAN)
    await pool.query("DROP TABLE IF EXISTS bench_chat_plan, bench_integrations, bench_accounts");
  // The updates above left a dead version of most queue rows, which autovacuum would clear before long
  // (where it is off, the workers' sweep does: lib/webhooks/queue-vacuum.ts).
  await pool.query("VACUUM delivery_queue");
  await pool.query("ANALYZE");
}
