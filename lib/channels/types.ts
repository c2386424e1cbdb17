import type { Provider } from "./providers";

export interface Multimedia {
  url: string;
  caption?: string;
}

/** One message an end user sent, as every provider's webhook is reduced to. */
export interface InboundMessage {
  /** The end user's number, E.164 (`+15551234567`). */
  from: string;
  text?: string;
  multimedia?: Multimedia & { contentType?: string };
  /** The provider's id of the message (Twilio `MessageSid`, WhatsApp `wamid.…`): a retried webhook repeats it. */
  externalId?: string;
}

/** A provider's HTTP request to the portal, reduced to what adapters read. */
export interface InboundRequest {
  method: string;
  /** The URL the provider called, as the public internet sees it (see `publicRequestUrl`). */
  url: string;
  headers: Headers;
  /** The raw body, byte for byte: signatures are computed over it. */
  body: string;
}

/** What to answer the provider. */
export interface HttpReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type InboundResult =
  /** Signed and parsed: ingest these (in order), then answer `reply`. */
  | { kind: "messages"; messages: InboundMessage[]; reply: HttpReply }
  /** A subscription handshake (WhatsApp's GET verification), already answered by `reply`. */
  | { kind: "handshake"; reply: HttpReply }
  /** Signed but nothing to ingest (delivery status callbacks, other phone numbers, unsupported types). */
  | { kind: "ignored"; reason: string; reply: HttpReply }
  /** Not from the provider (missing or wrong signature or verify token) or unreadable: a 4xx. */
  | { kind: "rejected"; reason: string; reply: HttpReply };

/** A reply into a chat: text, an image/file by URL with an optional caption, or both. */
export interface OutboundMessage {
  /** The end user's number, E.164. */
  to: string;
  text?: string;
  multimedia?: Multimedia;
}

export type SendFailureReason =
  /** The message cannot be sent as it is (empty, too long): nothing was sent. */
  | "INVALID"
  /** The provider answered with an error status. */
  | "HTTP_STATUS"
  | "TIMEOUT"
  /** DNS, connection refused or reset, TLS. */
  | "NETWORK";

export interface SendFailure {
  reason: SendFailureReason;
  /** True for 429, 5xx, timeouts, network errors and errors the provider calls temporary: try again later. */
  retryable: boolean;
  /** Fit to store and show (never contains credentials). */
  message: string;
  status?: number;
  /** The provider's own error code (Twilio `21211`, Graph `131026`). */
  providerCode?: string;
  /** From a `Retry-After` header, when the provider sent one. */
  retryAfterSeconds?: number;
}

export type SendResult = { ok: true; externalId: string } | { ok: false; error: SendFailure };

/**
 * A channel provider as the platform uses it. Implementations never throw for what the network or the
 * provider does: inbound problems become a `rejected` result, outbound ones a classified `SendFailure`.
 */
export interface ChannelAdapter {
  readonly provider: Provider;
  /** Whether the request carries the provider's valid signature (the simulator has none: always true). */
  verifySignature(request: InboundRequest): boolean;
  /** Verifies the request, then reads the messages out of it (or answers a handshake). */
  receive(request: InboundRequest): Promise<InboundResult>;
  /** Sends one message to an end user. */
  send(message: OutboundMessage): Promise<SendResult>;
}
