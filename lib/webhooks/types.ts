import type { AuthConfig, EventVariable, FieldRow } from "@/lib/validation/integration-fields";

export type HttpMethod = "POST" | "GET" | "PUT" | "DELETE";

/** What an event offers to Variable rows: one value per name in EVENT_VARIABLES. */
export type EventVariables = Record<EventVariable, string | null>;

/** An integration's saved request configuration (the wizard's Method, URL and four tabs). */
export interface WebhookConfig {
  method: HttpMethod;
  /** Scheme, host and path; the query string lives in `params`. */
  url: string;
  params: FieldRow[];
  headers: FieldRow[];
  body: FieldRow[];
  auth: AuthConfig;
}

/** What a request needs besides its configuration: the Auth secret and a way to sign. */
export interface RequestCredentials {
  /** The API key value, Basic password or Bearer token of the Auth tab (decrypted). */
  authSecret: string | null;
  /** Computes `webhook-signature` for id, timestamp and body; absent in previews, which mask it. */
  sign?: (id: string, timestamp: number, body: string) => string;
}

export interface BuiltRequest {
  method: HttpMethod;
  url: string;
  headers: Record<string, string>;
  /** JSON text, or null for GET and DELETE (their body fields go into the query string). */
  body: string | null;
}
