// Storage: pg_total_relation_size (heap + indexes + TOAST) of every table that grows with traffic,
// summed over its partitions.
import { Client } from "pg";

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
