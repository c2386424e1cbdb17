// Storage: pg_total_relation_size (heap + indexes + TOAST) of every table that grows with traffic,
// summed over its partitions.
import { Client } from "pg";

import type { HttpMethod } from "@/db/schema";
import { deliveryPayloadSql } from "@/lib/webhooks/event";

/** The tables that grow with traffic (a table the app adds is one more name here). */
export const TRAFFIC_TABLES = [
  "deliveries",
  "delivery_attempts",
  "messages",
  "chats",
  "inbound_message_ids",
  "delivery_queue",
  "unsuccessful_deliveries",
  "delivery_minutes",
  "delivery_hours",
  "campaign_tallies",
] as const;

export type Sizes = Record<string, number>;

export async function tableSizes(url: string): Promise<Sizes> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ name: string; bytes: string }>(
      `SELECT t.name, coalesce((
         SELECT sum(pg_total_relation_size(x.oid)) FROM pg_class x
         WHERE x.oid = to_regclass(t.name) OR x.oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = to_regclass(t.name))
       ), 0)::bigint AS bytes
       FROM unnest($1::text[]) AS t(name) WHERE to_regclass(t.name) IS NOT NULL`,
      [[...TRAFFIC_TABLES]],
    );
    return Object.fromEntries(rows.map((r) => [r.name, Number(r.bytes)]));
  } finally {
    await c.end();
  }
}

export const totalBytes = (s: Sizes) => Object.values(s).reduce((a, b) => a + b, 0);

/**
 * What the attempt logs take packed as the app stores them (lib/webhooks/attempt-log.ts): the generator
 * writes them as plain JSON (it cannot deflate in SQL), so a sample of its deliveries is packed here, its
 * signatures masked as the app logs them. Returns, per delivery, the plain bytes of those columns and the
 * packed bytes; the difference applies to the attempts table's measured size.
 */
export async function packedAttemptLogs(url: string, sample = 2000) {
  const { packAttempt } = await import("@/lib/webhooks/attempt-log");
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{
      id: string;
      payload: unknown;
      attempts:
        | {
            startedAt: string;
            request: {
              method: string;
              url: string;
              headers: Record<string, string>;
              body: string | null;
            } | null;
            responseHeaders: Record<string, string> | null;
            responseBody: string | null;
            plain: number;
          }[]
        | null;
    }>(
      // The sample first (by its keys), then its attempts through their primary key: a join would have
      // the planner read every attempt.
      `WITH d AS MATERIALIZED (
         SELECT d.id, d.expires_on, ${deliveryPayloadSql("d")} AS payload
         FROM deliveries d TABLESAMPLE SYSTEM (0.1) WHERE d.attempts > 0 LIMIT $1)
       SELECT d.id, d.payload, (
         SELECT json_agg(json_build_object(
           'startedAt', a.started_at, 'request', a.request, 'responseHeaders', a.response_headers,
           'responseBody', a.response_body,
           'plain', coalesce(pg_column_size(a.request), 0) + coalesce(pg_column_size(a.response_headers), 0)
                    + coalesce(pg_column_size(a.response_body), 0)) ORDER BY a.attempt_number)
         FROM delivery_attempts a WHERE a.delivery_id = d.id AND a.expires_on = d.expires_on) AS attempts
       FROM d`,
      [sample],
    );
    let plain = 0;
    let packed = 0;
    for (const d of rows) {
      const attempts = d.attempts ?? [];
      const first = attempts[0]?.request;
      for (const [i, a] of attempts.entries()) {
        const request = a.request ?? first ?? { method: "POST", url: "", headers: {}, body: null };
        const startedAt = new Date(a.startedAt);
        const headers: Record<string, string> = {
          ...request.headers,
          "webhook-timestamp": String(Math.floor(startedAt.getTime() / 1000)),
          "webhook-signature": "v1,••••••••",
        };
        const masked = { ...request, method: request.method as HttpMethod, headers };
        const p = packAttempt(
          {
            startedAt,
            durationMs: 0,
            request: masked,
            responseStatus: null,
            responseHeaders: a.responseHeaders,
            responseBody: a.responseBody,
            errorClass: null,
            errorMessage: null,
          },
          { deliveryId: d.id, payload: d.payload },
        );
        plain += a.plain;
        // The request once per delivery: the generator's attempts share it, and the app does not store a
        // repeated one again.
        packed += (i === 0 ? p.requestPacked.length : 0) + (p.responsePacked?.length ?? 0);
      }
    }
    const n = Math.max(1, rows.length);
    return { deliveries: rows.length, plainPerDelivery: plain / n, packedPerDelivery: packed / n };
  } finally {
    await c.end();
  }
}
