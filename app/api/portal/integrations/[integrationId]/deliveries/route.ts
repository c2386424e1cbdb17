import { apiRoute } from "@/lib/api/handler";
import { listDeliveries } from "@/lib/data/deliveries";
import { getIntegrationSummary } from "@/lib/data/integrations";
import { notFound } from "@/lib/errors";
import { deliveryListQuerySchema, integrationIdParamsSchema } from "@/lib/validation/deliveries";

// GET /api/portal/integrations/{integrationId}/deliveries – one page of the live delivery log, filtered
export const GET = apiRoute(
  { auth: "session", params: integrationIdParamsSchema, query: deliveryListQuerySchema },
  async ({ params, query, caller }) => {
    // Another account's integration is not there at all (not an empty log).
    if (!(await getIntegrationSummary(caller.accountId, params.integrationId))) throw notFound("Integration");
    return Response.json(
      await listDeliveries(caller.accountId, { ...query, integrationId: params.integrationId }),
    );
  },
);
