import { openApiDocument } from "@/lib/api/openapi";
import { publicOrigin } from "@/lib/channels/public-url";

// GET /api/v1/openapi.json – the OpenAPI 3.1 document of the v1 API and of the webhooks we send
export function GET(request: Request) {
  return Response.json(openApiDocument(publicOrigin(request.headers, request.url)));
}
