import type { Pool, PoolClient } from "pg";

import type { Channel } from "@/db/schema";

/** Where a connection's chat events go right now. */
export interface ConnectionRoute {
  connectionId: string;
  accountId: string;
  channel: Channel;
  code: string;
  /** The integration that receives the events, if any; while it is not Active they wait for its Start. */
  integrationId: string | null;
  alias: string | null;
  /** The LIVE Chatbot Service campaign using the connection, if any. */
  campaignId: string | null;
  /** Whether a LIVE Keyword campaign uses the connection (its messages may need an auto-reply). */
  liveKeywords: boolean;
  /** The day what the connection's account writes now expires (YYYY-MM-DD; lib/webhooks/partitions.ts). */
  expiresOn: string;
}

// A connection feeds its own Custom Webhook (integration_connections) or, when a LIVE Chatbot Service
// campaign uses it, that campaign's linked integration. An integration that is not Active (stopped, or
// stopped by a 410 Gone) still gets its events: they wait in the queue until it is started (the queue
// insert reads the status, see enqueue.ts). (Migration 0001 makes a connection belong to one side only.)
const ROUTES_SQL = `
SELECT c.id AS "connectionId", c.account_id AS "accountId", c.channel, c.code,
       coalesce(own.id, camp.integration_id) AS "integrationId",
       coalesce(own.alias, camp.alias) AS alias,
       camp.campaign_id AS "campaignId",
       EXISTS (SELECT 1 FROM campaign_connections kc
               JOIN campaigns k ON k.id = kc.campaign_id AND k.type = 'KEYWORD' AND k.status = 'LIVE'
               WHERE kc.connection_id = c.id) AS "liveKeywords",
       ((now() AT TIME ZONE 'UTC')::date + a.retention_days + 1)::text AS "expiresOn"
FROM connections c
JOIN accounts a ON a.id = c.account_id
LEFT JOIN integration_connections ic ON ic.connection_id = c.id
LEFT JOIN integrations own ON own.id = ic.integration_id
LEFT JOIN LATERAL (
  SELECT cp.id AS campaign_id, i.id AS integration_id, i.alias
  FROM campaign_connections cc
  JOIN campaigns cp ON cp.id = cc.campaign_id AND cp.type = 'CHATBOT' AND cp.status = 'LIVE'
  LEFT JOIN integrations i ON i.id = cp.integration_id
  WHERE cc.connection_id = c.id
  ORDER BY (i.id IS NULL), cp.integration_date DESC NULLS LAST, cp.created_at DESC
  LIMIT 1
) camp ON true
WHERE c.id = ANY($1::uuid[])`;

/** The current route of each connection (unknown ids are simply absent). */
export async function routeConnections(
  client: Pool | PoolClient,
  connectionIds: string[],
): Promise<Map<string, ConnectionRoute>> {
  const { rows } = await client.query<ConnectionRoute>({
    name: "webhooks.routes",
    text: ROUTES_SQL,
    values: [connectionIds],
  });
  return new Map(rows.map((r) => [r.connectionId, r]));
}
