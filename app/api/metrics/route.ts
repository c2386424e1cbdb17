import { timingSafeEqual } from "node:crypto";

import { apiError, withErrorResponses } from "@/lib/api/handler";
import { env } from "@/lib/env";
import { metricsText } from "@/lib/webhooks/metrics";

export const dynamic = "force-dynamic";

function allowed(request: Request): boolean {
  const token = env().METRICS_TOKEN;
  if (!token) return true;
  const presented = Buffer.from(request.headers.get("authorization")?.replace(/^Bearer\s+/i, "") ?? "");
  const expected = Buffer.from(token);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

// GET /api/metrics – Prometheus text metrics: attempts by outcome, attempt latency, due backlog, oldest due age
export const GET = withErrorResponses(async (request: Request) => {
  if (!allowed(request)) {
    return apiError("UNAUTHORIZED", "Send `Authorization: Bearer <METRICS_TOKEN>`", undefined, {
      "www-authenticate": "Bearer",
    });
  }
  const { contentType, body } = await metricsText();
  return new Response(body, { headers: { "content-type": contentType, "cache-control": "no-store" } });
});
