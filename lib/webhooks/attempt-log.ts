import { deflateSync, inflateSync } from "node:zlib";

import type { AttemptRecord } from "./attempt";

/** A request as the log shows it (method as sent, secrets masked). */
export interface LoggedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | null;
}

// How an attempt's request and response are stored (delivery_attempts.request_packed / response_packed):
// the bulk of the log, so made small. Each is JSON, deflated (zlib, which checks the dictionary) with a
// dictionary of what such JSON usually holds plus the delivery's own id and payload — which the request's
// body and URL mostly repeat, so they shrink to references. The webhook-timestamp header is left out and
// restored from the attempt's start (it is those seconds). An attempt whose request is the same as an
// earlier attempt's keeps none (request_repeats names that attempt; lib/webhooks/complete.ts decides).
// The first byte is the format's version, so the dictionary can change without breaking old rows.

const FORMAT_V1 = 1;
const TIMESTAMP_HEADER = "webhook-timestamp";

// Frequent strings, most frequent last (deflate reaches the end of a dictionary most cheaply).
const COMMON = [
  '"cache-control":"no-cache","connection":"keep-alive","keep-alive":"timeout=5","vary":"Accept-Encoding",',
  '"transfer-encoding":"chunked","x-powered-by":"Express","server":"nginx","strict-transport-security":"max-age=',
  '"access-control-allow-origin":"*","x-request-id":"","date":"Mon, Tue, Wed, Thu, Fri, Sat, Sun, Jan Feb Mar ',
  'Apr May Jun Jul Aug Sep Oct Nov Dec GMT","content-length":"","content-type":"application/json; charset=utf-8"',
  '{"h":{},"b":"{\\"ok\\":true}"}{"method":"POST","url":"https://","headers":{"authorization":"Bearer ••••••••",',
  '"content-type":"application/json","user-agent":"CustomWebhook/1.0","webhook-id":"","webhook-signature":"v1,••••••••"},',
  '"body":"{\\"event\\":\\"MESSAGE\\",\\"contact\\":\\"+\\",\\"text\\":\\"\\",\\"chatId\\":\\"\\",\\"timestamp\\":\\"',
].join("");

/** What every attempt of one delivery is packed against. */
export interface AttemptContext {
  deliveryId: string;
  payload: unknown;
}

// The payload with its keys sorted: the same text whether it comes from the worker's claim, a
// freshly built event or a read of the stored jsonb (which orders keys its own way).
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  ) ?? "";

const dictionary = ({ deliveryId, payload }: AttemptContext) =>
  Buffer.from(COMMON + canonical(payload) + deliveryId);

function pack(value: unknown, context: AttemptContext): Buffer {
  const packed = deflateSync(JSON.stringify(value), { dictionary: dictionary(context), level: 6 });
  return Buffer.concat([Buffer.of(FORMAT_V1), packed]);
}

function unpack(stored: Buffer, context: AttemptContext): unknown {
  if (stored[0] !== FORMAT_V1) throw new Error(`unknown attempt log format ${stored[0]}`);
  return JSON.parse(inflateSync(stored.subarray(1), { dictionary: dictionary(context) }).toString());
}

interface PackedRequest extends LoggedRequest {
  /** webhook-timestamp was left out: restore it from the attempt's start. */
  stamped?: true;
}

/** An attempt's request and response, packed for storage. */
export function packAttempt(record: AttemptRecord, context: AttemptContext) {
  const { [TIMESTAMP_HEADER]: timestamp, ...headers } = record.request.headers;
  const stamped =
    timestamp !== undefined && timestamp === String(Math.floor(record.startedAt.getTime() / 1000));
  const request: PackedRequest = stamped ? { ...record.request, headers, stamped: true } : record.request;
  return {
    requestPacked: pack(request, context),
    responsePacked:
      record.responseHeaders === null && record.responseBody === null
        ? null
        : pack({ h: record.responseHeaders, b: record.responseBody }, context),
  };
}

/** A stored attempt row's request and response as they were, whichever way it was stored. */
export interface StoredAttempt {
  attemptNumber: number;
  startedAt: Date;
  request: LoggedRequest | null;
  requestPacked: Buffer | null;
  requestRepeats: number | null;
  responsePacked: Buffer | null;
  responseHeaders: Record<string, string> | null;
  responseBody: string | null;
}

/** The request and response of each of a delivery's attempts (rows of that delivery, any order). */
export type UnpackedAttempt<T extends StoredAttempt> = Omit<
  T,
  "requestPacked" | "requestRepeats" | "responsePacked" | "request" | "responseHeaders" | "responseBody"
> & {
  request: LoggedRequest | null;
  responseHeaders: Record<string, string> | null;
  responseBody: string | null;
};

export function unpackAttempts<T extends StoredAttempt>(
  rows: T[],
  context: AttemptContext,
): UnpackedAttempt<T>[] {
  const byNumber = new Map(rows.map((r) => [r.attemptNumber, r]));
  const unpacked = new Map<number, PackedRequest | null>();
  const storedRequest = (row: StoredAttempt): PackedRequest | null => {
    if (row.requestRepeats !== null) {
      const original = byNumber.get(row.requestRepeats);
      return original && original.requestRepeats === null ? storedRequest(original) : null;
    }
    if (!row.requestPacked) return row.request;
    if (!unpacked.has(row.attemptNumber))
      unpacked.set(row.attemptNumber, tryUnpack<PackedRequest>(row.requestPacked, context));
    return unpacked.get(row.attemptNumber)!;
  };
  return rows.map((row): UnpackedAttempt<T> => {
    const { requestPacked: _request, requestRepeats: _repeats, responsePacked, ...rest } = row;
    const request = storedRequest(row);
    const response = responsePacked
      ? tryUnpack<{ h: Record<string, string> | null; b: string | null }>(responsePacked, context)
      : null;
    // (TypeScript cannot see that Omit<T, …> spread with the overrides is UnpackedAttempt<T>.)
    return {
      ...rest,
      request: request ? restoreTimestamp(request, row.startedAt) : null,
      responseHeaders: response ? response.h : row.responseHeaders,
      responseBody: response ? response.b : row.responseBody,
    } as UnpackedAttempt<T>;
  });
}

// A row that cannot be read back is shown as not recorded rather than failing the whole delivery.
function tryUnpack<T>(stored: Buffer, context: AttemptContext): T | null {
  try {
    return unpack(stored, context) as T;
  } catch {
    return null;
  }
}

/** Puts webhook-timestamp back where the builder puts it: right after webhook-id. */
function restoreTimestamp({ stamped, ...request }: PackedRequest, startedAt: Date): LoggedRequest {
  if (!stamped) return request;
  const value = String(Math.floor(startedAt.getTime() / 1000));
  const headers: Record<string, string> = {};
  let placed = false;
  for (const [name, v] of Object.entries(request.headers)) {
    headers[name] = v;
    if (name === "webhook-id") {
      headers[TIMESTAMP_HEADER] = value;
      placed = true;
    }
  }
  if (!placed) headers[TIMESTAMP_HEADER] = value;
  return { ...request, headers };
}
