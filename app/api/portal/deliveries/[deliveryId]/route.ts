import { apiRoute } from "@/lib/api/handler";
import { getDelivery } from "@/lib/data/deliveries";
import { notFound } from "@/lib/errors";
import { deliveryIdParamsSchema } from "@/lib/validation/deliveries";

// GET /api/portal/deliveries/{deliveryId} – one delivery with every attempt (the attempt view)
export const GET = apiRoute(
  { auth: "session", params: deliveryIdParamsSchema },
  async ({ params, caller }) => {
    const delivery = await getDelivery(caller.accountId, params.deliveryId);
    if (!delivery) throw notFound("Delivery");
    return Response.json(delivery);
  },
);
