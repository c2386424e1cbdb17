import { z } from "zod";

// The values an event offers to Params, Headers and Body rows whose Type is Variable.
export const EVENT_VARIABLES = [
  { name: "chatId", label: "Chat Id" },
  { name: "contact", label: "Contact" },
  { name: "event", label: "Event" },
  { name: "text", label: "Message text" },
  { name: "multimediaUrl", label: "Multimedia URL" },
  { name: "multimediaCaption", label: "Multimedia caption" },
  { name: "channel", label: "Channel" },
  { name: "connectionCode", label: "Connection code" },
  { name: "integrationId", label: "Integration Id" },
  { name: "alias", label: "Alias" },
  { name: "timestamp", label: "Timestamp" },
  { name: "deliveryId", label: "Delivery Id" },
] as const;

export type EventVariable = (typeof EVENT_VARIABLES)[number]["name"];
export const eventVariableNames = EVENT_VARIABLES.map((v) => v.name) as [EventVariable, ...EventVariable[]];

export const fieldTypeSchema = z.enum(["TEXT", "VARIABLE"]);

/** One Key / Value / Type row of the Params, Headers or Body tab. */
export const fieldRowSchema = z.object({
  key: z.string().trim().min(1, "Key is required").max(200, "Key is too long"),
  value: z.string().max(2000, "Value is too long"),
  type: fieldTypeSchema,
});
export type FieldRow = z.infer<typeof fieldRowSchema>;

export const authTypeSchema = z.enum(["NONE", "API_KEY", "BASIC", "BEARER"]);
export type AuthType = z.infer<typeof authTypeSchema>;

/** The stored, non-secret part of an integration's Auth tab. */
export type AuthConfig =
  | { type: "NONE" }
  | { type: "API_KEY"; keyName: string; placement: "HEADER" | "QUERY" }
  | { type: "BASIC"; username: string }
  | { type: "BEARER" };
