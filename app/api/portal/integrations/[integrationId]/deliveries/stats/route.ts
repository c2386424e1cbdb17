import { apiRoute } from "@/lib/api/handler";
import { deliveryStats } from "@/lib/data/deliveries";
import { getIntegrationSummary } from "@/lib/data/integrations";
import { notFound } from "@/lib/errors";
import { deliveryStatsQuerySchema, integrationIdParamsSchema } from "@/lib/validation/deliveries";

// GET /api/portal/integrations/{integrationId}/deliveries/stats – per-minute outcomes and latency (the chart)
export const GET = apiRoute(
  { auth: "session", params: integrationIdParamsSchema, query: deliveryStatsQuerySchema },
  async ({ params, query, caller }) => {
    if (!(await getIntegrationSummary(caller.accountId, params.integrationId))) throw notFound("Integration");
    const minutes = await deliveryStats(caller.accountId, params.integrationId, query.minutes);
    return Response.json({ minutes, windowMinutes: query.minutes });
  },
);
