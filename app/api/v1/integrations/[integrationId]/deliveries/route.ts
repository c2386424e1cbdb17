import { apiRoute } from "@/lib/api/handler";
import { toDeliveryOut } from "@/lib/api/representations";
import { listDeliveries } from "@/lib/data/deliveries";
import { getIntegrationSummary } from "@/lib/data/integrations";
import { notFound } from "@/lib/errors";
import { deliveryListQuerySchema, integrationParamsSchema } from "@/lib/validation/api";

// GET /api/v1/integrations/{integrationId}/deliveries – the integration's deliveries, newest first, paginated
export const GET = apiRoute(
  { auth: "apiKeyOrSession", params: integrationParamsSchema, query: deliveryListQuerySchema },
  async ({ params, query, caller }) => {
    if (!(await getIntegrationSummary(caller.accountId, params.integrationId))) throw notFound("Integration");
    const page = await listDeliveries(caller.accountId, {
      integrationId: params.integrationId,
      status: query.status,
      event: query.event,
      chatId: query.chatId,
      limit: query.limit,
      cursor: query.cursor,
    });
    return Response.json({
      deliveries: page.deliveries.map(toDeliveryOut),
      nextCursor: page.nextCursor,
      retentionDays: page.retentionDays,
    });
  },
);
