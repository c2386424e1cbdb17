import { apiRoute } from "@/lib/api/handler";
import { withIdempotency } from "@/lib/api/idempotency";
import { toMessageOut } from "@/lib/api/representations";
import { sendReply } from "@/lib/data/messages";
import { integrationParamsSchema, replyMessageSchema } from "@/lib/validation/api";

// POST /api/v1/integrations/{integrationId}/messages – reply into a chat the contact started (the Try Out URL)
export const POST = apiRoute(
  { auth: "apiKeyOrSession", params: integrationParamsSchema, body: replyMessageSchema },
  async ({ params, body, caller, request }) => {
    const route = `POST /api/v1/integrations/${params.integrationId}/messages`;
    const result = await withIdempotency(
      caller.accountId,
      route,
      request.headers.get("idempotency-key"),
      body,
      async () => ({
        status: 202,
        body: toMessageOut(await sendReply(caller.accountId, params.integrationId, body)),
      }),
    );
    return Response.json(result.body, {
      status: result.status,
      headers: result.replayed ? { "idempotent-replayed": "true" } : undefined,
    });
  },
);
