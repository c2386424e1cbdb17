import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";

import { apiChatListQuerySchema } from "@/lib/validation/chat";
import {
  deliveryListQuerySchema,
  integrationChatParamsSchema,
  integrationParamsSchema,
  replyMessageSchema,
} from "@/lib/validation/api";
import { inboundAcceptedSchema, inboundMessageSchema } from "@/lib/validation/inbound";

import { chatOut, chatPageOut, deliveryPageOut, errorOut, messageOut } from "./representations";

// The OpenAPI 3.1 document of the v1 API, built from the zod schemas the routes parse and answer with.
// The API Details tab renders it; /api/v1/openapi.json serves it.

const EXAMPLE_IDS = {
  integrationId: "7d0c3a4e-2f5b-4c1a-9e8d-3b6f1a2c4d5e",
  chatId: "3f1c2a8e-5b7d-4c61-9e2a-7d4b8c9f0a12",
  messageId: "9b2e6f10-4a7c-4d3e-8f21-6c5b4a3d2e1f",
};

const exampleMessage = {
  id: EXAMPLE_IDS.messageId,
  chatId: EXAMPLE_IDS.chatId,
  direction: "OUT",
  text: "Your order #1042 left our warehouse today.",
  multimedia: null,
  status: "SENT",
  error: null,
  createdAt: "2026-11-25T14:03:12.000Z",
};

const exampleChat = {
  id: EXAMPLE_IDS.chatId,
  contact: "+15551234567",
  status: "OPEN",
  channel: "SMS",
  connectionCode: "+15550100001",
  openedAt: "2026-11-25T14:01:40.000Z",
  closedAt: null,
  lastMessageAt: "2026-11-25T14:03:12.000Z",
};

const json = (schema: z.ZodType, example: unknown, description: string) => ({
  description,
  content: { "application/json": { schema, example } },
});

const error = (status: number, code: string, message: string, fieldErrors?: Record<string, string[]>) =>
  json(errorOut, { error: { code, message, ...(fieldErrors ? { fieldErrors } : {}) } }, message);

const commonErrors = {
  401: error(401, "UNAUTHORIZED", "Send a valid API key as `Authorization: Bearer <key>`"),
  429: {
    ...error(429, "RATE_LIMITED", "Too many requests for this API key; slow down"),
    headers: {
      "Retry-After": { description: "Seconds to wait before retrying", schema: { type: "integer" as const } },
    },
  },
};

const idempotencyHeader = z.object({
  "Idempotency-Key": z.string().max(255).optional().meta({
    description:
      "Retry safely: the same key and body within 24 h return the first answer; another body gets 422",
  }),
});

/** Every route of the v1 API, in the order the API Details tab shows them. */
export const API_ROUTES: RouteConfig[] = [
  {
    method: "post",
    path: "/api/v1/integrations/{integrationId}/messages",
    operationId: "sendMessage",
    summary: "Reply into a chat",
    description:
      "Sends a message to the contact of an OPEN chat that the contact started on one of the integration's connections (or in a Chatbot Service campaign linked to it). The message goes out through the chat's channel; replies never trigger a MESSAGE webhook.",
    request: {
      params: integrationParamsSchema,
      headers: idempotencyHeader,
      body: {
        required: true,
        content: {
          "application/json": {
            schema: replyMessageSchema,
            example: { chatId: EXAMPLE_IDS.chatId, text: "Your order #1042 left our warehouse today." },
          },
        },
      },
    },
    responses: {
      202: json(messageOut, exampleMessage, "Accepted: the message is stored and handed to the channel"),
      400: error(400, "INVALID", "The body has invalid fields", { text: ["Send text, multimedia or both"] }),
      ...commonErrors,
      404: error(404, "NOT_FOUND", "Chat not found"),
      409: error(409, "CONFLICT", "The chat is closed: a contact must write again to open a new one"),
      422: error(422, "UNPROCESSABLE", "This Idempotency-Key was already used with a different request body"),
    },
  },
  {
    method: "get",
    path: "/api/v1/integrations/{integrationId}/chats",
    operationId: "listChats",
    summary: "List the integration's chats",
    description:
      "Chats the integration serves, oldest first, in pages. Filter with `status=OPEN` for the ones you can reply into.",
    request: { params: integrationParamsSchema, query: apiChatListQuerySchema },
    responses: {
      200: json(chatPageOut, { chats: [exampleChat], nextCursor: null }, "A page of chats"),
      400: error(400, "INVALID", "The query has invalid fields", { cursor: ["Invalid cursor"] }),
      ...commonErrors,
      404: error(404, "NOT_FOUND", "Integration not found"),
    },
  },
  {
    method: "post",
    path: "/api/v1/integrations/{integrationId}/chats/{chatId}/close",
    operationId: "closeChat",
    summary: "Close a chat",
    description:
      "Closes an OPEN chat; the integration then receives its END event. Closing a closed chat answers 409.",
    request: { params: integrationChatParamsSchema, headers: idempotencyHeader },
    responses: {
      200: json(
        chatOut,
        { ...exampleChat, status: "CLOSED", closedAt: "2026-11-25T14:10:00.000Z" },
        "The closed chat",
      ),
      ...commonErrors,
      404: error(404, "NOT_FOUND", "Chat not found"),
      409: error(409, "CONFLICT", "The chat is already closed"),
    },
  },
  {
    method: "get",
    path: "/api/v1/integrations/{integrationId}/deliveries",
    operationId: "listDeliveries",
    summary: "List the integration's deliveries",
    description:
      "Every event sent (or being sent) to the integration's URL, newest first: status, attempts, last response code and latency.",
    request: { params: integrationParamsSchema, query: deliveryListQuerySchema },
    responses: {
      200: json(
        deliveryPageOut,
        {
          deliveries: [
            {
              id: "5a0d9c2e-7b1f-4e3a-9c8d-2f6e1b4a7c90",
              event: "MESSAGE",
              chatId: EXAMPLE_IDS.chatId,
              contact: "+15551234567",
              status: "SUCCEEDED",
              attempts: 1,
              lastStatusCode: 200,
              lastError: null,
              lastLatencyMs: 84,
              nextAttemptAt: null,
              test: false,
              createdAt: "2026-11-25T14:01:40.000Z",
              completedAt: "2026-11-25T14:01:40.090Z",
            },
          ],
          nextCursor: null,
        },
        "A page of deliveries",
      ),
      400: error(400, "INVALID", "The query has invalid fields", { status: ["Invalid option"] }),
      ...commonErrors,
      404: error(404, "NOT_FOUND", "Integration not found"),
    },
  },
  {
    method: "post",
    path: "/api/v1/connections/{connectionId}/inbound",
    operationId: "simulateInbound",
    summary: "Sandbox: a contact's message arrives",
    description:
      "Delivers a message as if the contact had sent it to the connection (the simulator uses the same path): it opens or continues the contact's chat and, when an Active integration receives the connection's chats, queues the MESSAGE webhook.",
    request: {
      params: z.object({ connectionId: z.uuid() }),
      body: {
        required: true,
        content: {
          "application/json": {
            schema: inboundMessageSchema,
            example: { from: "+15551234567", text: "Hi! Where is my order #1042?" },
          },
        },
      },
    },
    responses: {
      202: json(
        inboundAcceptedSchema,
        {
          chatId: EXAMPLE_IDS.chatId,
          messageId: EXAMPLE_IDS.messageId,
          deliveryIds: ["5a0d9c2e-7b1f-4e3a-9c8d-2f6e1b4a7c90"],
        },
        "Stored: the chat, the message and its deliveries",
      ),
      400: error(400, "INVALID", "The body has invalid fields", {
        from: ["Enter the contact's number in E.164 format, like +15551234567"],
      }),
      ...commonErrors,
      404: error(404, "NOT_FOUND", "Connection not found"),
    },
  },
];

/** The body the platform POSTs with the wizard's default Body mapping (each integration may map its own). */
const webhookPayload = z
  .object({
    chatId: z.uuid().meta({ description: "Unique identifier of the chat" }),
    contact: z.string().meta({ description: "Phone number of the end user" }),
    event: z
      .enum(["MESSAGE", "END"])
      .meta({ description: "MESSAGE for a contact's message; END when the chat is closed" }),
    text: z.string().nullable().meta({ description: "The message's text (null for END)" }),
    multimedia: z
      .object({ url: z.string().nullable(), caption: z.string().nullable() })
      .meta({ description: "The multimedia file and its caption, when the message has one" }),
  })
  .meta({ id: "WebhookEvent" });

const signatureHeaders = z.object({
  "webhook-id": z
    .string()
    .meta({ description: "The delivery's id: the same on every retry, to deduplicate" }),
  "webhook-timestamp": z.string().meta({ description: "Unix seconds when this attempt was signed" }),
  "webhook-signature": z.string().meta({
    description:
      "`v1,<base64 HMAC-SHA256 of id.timestamp.body>` with the integration's whsec_ signing secret; two space-separated signatures during a secret rotation",
  }),
});

function eventWebhook(event: "MESSAGE" | "END"): RouteConfig {
  return {
    method: "post",
    path: event,
    summary: event === "MESSAGE" ? "A contact sent a message" : "A chat was closed",
    description:
      "Sent to the integration's URL with its method, params, auth and headers. Answer 2xx within 15 s; 408, 429 and 5xx are retried with backoff (Retry-After honoured), 410 stops the integration, other 4xx fail.",
    request: {
      headers: signatureHeaders,
      body: {
        content: {
          "application/json": {
            schema: webhookPayload,
            example: {
              chatId: EXAMPLE_IDS.chatId,
              contact: "+15551234567",
              event,
              text: event === "MESSAGE" ? "Hi! Where is my order #1042?" : null,
              multimedia: { url: null, caption: null },
            },
          },
        },
      },
    },
    responses: { 200: { description: "Received" } },
  };
}

/** The whole document, with `origin` as its server. */
export function openApiDocument(origin: string) {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent("securitySchemes", "apiKey", {
    type: "http",
    scheme: "bearer",
    description: "An API key from Settings → API keys",
  });
  for (const route of API_ROUTES) registry.registerPath({ ...route, security: [{ [bearer.name]: [] }] });
  registry.registerWebhook(eventWebhook("MESSAGE"));
  registry.registerWebhook(eventWebhook("END"));
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: {
      title: "Custom Webhook API",
      version: "1.0.0",
      description: "Answer your contacts from your own systems, and the webhooks the platform sends you.",
    },
    servers: [{ url: origin }],
  });
}
