import { timingSafeEqual } from "node:crypto";

import { sql } from "drizzle-orm";

import { db } from "@/db";
import { withErrorResponses } from "@/lib/api/handler";
import { env } from "@/lib/env";
import { drainDeliveries } from "@/lib/webhooks/worker";

export const dynamic = "force-dynamic";
// Bounded by `maxSeconds` plus the requests still in flight then.
export const maxDuration = 60;

const DEFAULT_SECONDS = 25;
const MAX_SECONDS = 40;

function authorized(request: Request): boolean {
  const secret = env().CRON_SECRET;
  const presented = request.headers.get("authorization")?.match(/^Bearer\s+(.+)$/i)?.[1] ?? "";
  if (!secret) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

// POST /api/internal/deliveries/run – cron: send due deliveries (and close idle chats) for ?maxSeconds= (Default 25)
export const POST = withErrorResponses(async (request: Request) => {
  if (!env().CRON_SECRET) {
    return Response.json(
      { error: { code: "FORBIDDEN", message: "Set CRON_SECRET to enable this route" } },
      { status: 403 },
    );
  }
  if (!authorized(request)) {
    return Response.json(
      { error: { code: "UNAUTHORIZED", message: "Send `Authorization: Bearer <CRON_SECRET>`" } },
      { status: 401, headers: { "www-authenticate": "Bearer" } },
    );
  }
  const asked = Number(new URL(request.url).searchParams.get("maxSeconds") ?? DEFAULT_SECONDS);
  const seconds = Number.isFinite(asked) && asked > 0 ? Math.min(asked, MAX_SECONDS) : DEFAULT_SECONDS;
  // The worker rides out an outage by retrying; a cron run that cannot reach the database says so (503).
  await db().execute(sql`select 1`);
  const stats = await drainDeliveries({ maxMs: seconds * 1000 });
  return Response.json(stats);
});
