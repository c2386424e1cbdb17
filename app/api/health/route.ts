import { sql } from "drizzle-orm";

import { db } from "@/db";
import { UNAVAILABLE_RETRY_AFTER_SECONDS } from "@/lib/errors";

export const dynamic = "force-dynamic";

// GET /api/health – 200 when the database answers, 503 otherwise (load balancers, the e2e runner).
export async function GET() {
  try {
    await db().execute(sql`select 1`);
    return Response.json({ status: "ok" });
  } catch {
    return Response.json(
      { status: "unavailable", reason: "database unreachable" },
      { status: 503, headers: { "retry-after": String(UNAVAILABLE_RETRY_AFTER_SECONDS) } },
    );
  }
}
