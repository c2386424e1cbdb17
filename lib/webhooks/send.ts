import type { Readable } from "node:stream";

import type * as UndiciModule from "undici";
import type { Pool } from "undici";

import { BlockedTargetError, DnsError, resolveTarget, type Resolver } from "./ssrf";
import type { BuiltRequest } from "./types";

/** Why an attempt failed, as recorded in delivery_attempts.error_class. */
export type AttemptErrorClass =
  | "BUILD"
  | "BLOCKED"
  | "DNS"
  | "CONNECT"
  | "TLS"
  | "TIMEOUT"
  | "NETWORK"
  | "HTTP_STATUS"
  // Recorded by the engine, never by a request: the worker stopped before recording the outcome.
  | "LEASE_EXPIRED";

export interface SendOptions {
  /** Whole-request deadline: connect, headers and body (Default: 15 s in production). */
  timeoutMs: number;
  /** Deliver to loopback/private/link-local addresses (WEBHOOK_ALLOW_PRIVATE_NETWORKS). */
  allowPrivateNetworks: boolean;
  /** Deliver to plain http:// URLs (WEBHOOK_ALLOW_INSECURE_URLS). */
  allowInsecureUrls: boolean;
  /** Host name resolution (Default: the system resolver); tests swap it to fake DNS answers. */
  resolver?: Resolver;
}

export interface SendResult {
  /** HTTP status, or null when no response arrived. */
  status: number | null;
  headers: Record<string, string> | null;
  /** The first RESPONSE_BODY_LIMIT bytes of the response body, as text. */
  body: string | null;
  durationMs: number;
  /** Set when no response arrived (or the request was refused before sending). */
  error: {
    errorClass: Exclude<AttemptErrorClass, "HTTP_STATUS" | "BUILD" | "LEASE_EXPIRED">;
    message: string;
  } | null;
}

/** How much of a response body is kept for the attempt log. */
export const RESPONSE_BODY_LIMIT = 4096;
/**
 * The status decides an attempt's outcome, not the body: once the headers are in, the body is read
 * until it ends or RESPONSE_BODY_LIMIT bytes are kept, but for at most this long — a receiver that never
 * finishes its body does not hold the request slot and its chat until the timeout.
 */
export const RESPONSE_BODY_WAIT_MS = 1000;
// Past the kept excerpt, the rest of the body is drained in the background (the outcome is already
// written) so the connection can be reused — up to this much and RESPONSE_BODY_WAIT_MS; past either,
// the connection is dropped.
const DRAIN_LIMIT = 256 * 1024;
// Sockets per receiver origin; past this, requests queue in the pool.
const CONNECTIONS_PER_ORIGIN = 64;
const POOL_IDLE_CLOSE_MS = 120_000;

type Undici = typeof UndiciModule;
let undici: Promise<Undici> | undefined;

// Importing the undici package makes its Agent the process-wide dispatcher of fetch() when none is set
// yet, and Node's own fetch (which Next.js and Auth.js use in the same process) then fails in odd ways
// (connect timeouts to itself). Node's fetch sets up its own dispatcher on its first call, which
// undici then leaves alone: so make one (a data: URL, nothing leaves the process) before loading it.
function loadUndici(): Promise<Undici> {
  undici ??= fetch("data:,")
    .catch(() => undefined)
    .then(() => import("undici"));
  return undici;
}

interface PooledOrigin {
  pool: Pool;
  lastUsed: number;
}

// Keep-alive pools, one per origin AND resolved address: a connection is only reused for the address
// that was checked, so a changed DNS answer gets a new (re-checked) pool rather than an old socket.
const globalForPools = globalThis as unknown as { __webhookPools?: Map<string, PooledOrigin> };
const pools = (globalForPools.__webhookPools ??= new Map<string, PooledOrigin>());
let sweeper: NodeJS.Timeout | undefined;

function poolFor(
  { Pool, buildConnector }: Undici,
  origin: string,
  address: string,
  connectTimeoutMs: number,
): Pool {
  const key = `${origin}|${address}`;
  let entry = pools.get(key);
  if (!entry) {
    const connector = buildConnector({ timeout: connectTimeoutMs });
    const pool = new Pool(origin, {
      connections: CONNECTIONS_PER_ORIGIN,
      keepAliveTimeout: 10_000,
      // Connect to the address that passed the SSRF check; TLS still verifies the certificate (and
      // sends SNI) for the URL's host name, which undici derives from the origin.
      connect: (options, callback) => connector({ ...options, hostname: address }, callback),
    });
    entry = { pool, lastUsed: Date.now() };
    pools.set(key, entry);
    sweeper ??= setInterval(closeIdlePools, POOL_IDLE_CLOSE_MS).unref();
  }
  entry.lastUsed = Date.now();
  return entry.pool;
}

function closeIdlePools(): void {
  const cutoff = Date.now() - POOL_IDLE_CLOSE_MS;
  for (const [key, entry] of pools) {
    if (entry.lastUsed < cutoff) {
      pools.delete(key);
      void entry.pool.close().catch(() => {});
    }
  }
}

/** Closes every keep-alive pool (worker shutdown, tests). */
export async function closeSendPools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  if (sweeper) clearInterval(sweeper);
  sweeper = undefined;
  await Promise.all(all.map((entry) => entry.pool.destroy().catch(() => {})));
}

/**
 * Sends one webhook request with undici over a keep-alive pool. Never throws: every way it can fail
 * (refused by the SSRF guard, DNS, connect, TLS, timeout, connection lost) comes back classified.
 */
export async function sendRequest(request: BuiltRequest, options: SendOptions): Promise<SendResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const failed = (
    errorClass: NonNullable<SendResult["error"]>["errorClass"],
    message: string,
  ): SendResult => ({
    status: null,
    headers: null,
    body: null,
    durationMs: elapsed(),
    error: { errorClass, message },
  });

  const url = new URL(request.url);
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return failed("BLOCKED", `Refused: ${url.protocol} URLs cannot receive webhooks`);
  }
  if (url.protocol === "http:" && !options.allowInsecureUrls) {
    return failed("BLOCKED", "Refused: plain http:// URLs are not allowed (use https://)");
  }
  let address: string;
  try {
    ({ address } = await resolveTarget(url.hostname, {
      allowPrivate: options.allowPrivateNetworks,
      resolver: options.resolver,
    }));
  } catch (err) {
    if (err instanceof BlockedTargetError || err instanceof DnsError)
      return failed(err.errorClass, err.message);
    return failed("DNS", `Could not resolve ${url.hostname}`);
  }

  // Loading the HTTP client (once per process) is ours to wait for, not part of the receiver's deadline.
  let client: Undici;
  try {
    client = await loadUndici();
  } catch (err) {
    return failed(
      "NETWORK",
      `Could not load the HTTP client: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  try {
    const pool = poolFor(client, url.origin, address, Math.min(options.timeoutMs, 10_000));
    const response = await pool.request({
      path: url.pathname + url.search,
      method: request.method,
      headers: request.headers,
      body: request.body ?? undefined,
      signal: controller.signal,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
    }
    const body = await readExcerpt(response.body, RESPONSE_BODY_WAIT_MS);
    return { status: response.statusCode, headers, body, durationMs: elapsed(), error: null };
  } catch (err) {
    if (timedOut) return failed("TIMEOUT", `No response within ${formatMs(options.timeoutMs)}`);
    const { errorClass, message } = classifyNetworkError(err);
    return failed(errorClass, message);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The first RESPONSE_BODY_LIMIT bytes of a response body, as text: resolves when the body ends, when
 * that much is kept, or after `waitMs` (with what came by then; a body cut short is shown as far as it
 * got). Never rejects. Reading goes on in the background up to DRAIN_LIMIT within `waitMs`, so a
 * connection whose body ends in time is reused; otherwise the body (and its connection) is destroyed.
 */
function readExcerpt(body: Readable, waitMs: number): Promise<string> {
  return new Promise((resolve) => {
    const kept: Buffer[] = [];
    let keptBytes = 0;
    let total = 0;
    let resolved = false;
    const done = () => {
      if (resolved) return;
      resolved = true;
      // PostgreSQL text cannot hold NUL characters.
      resolve(Buffer.concat(kept).toString("utf8").replaceAll("\u0000", ""));
    };
    const finish = () => {
      clearTimeout(timer);
      done();
    };
    const timer = setTimeout(() => {
      body.destroy();
      done();
    }, waitMs);
    body.on("data", (chunk: Buffer) => {
      total += chunk.length;
      if (keptBytes < RESPONSE_BODY_LIMIT) {
        const part = chunk.subarray(0, RESPONSE_BODY_LIMIT - keptBytes);
        kept.push(part);
        keptBytes += part.length;
        if (keptBytes >= RESPONSE_BODY_LIMIT) done();
      }
      if (total > DRAIN_LIMIT) {
        body.destroy();
        finish();
      }
    });
    body.once("end", finish);
    body.once("close", finish);
    body.on("error", finish);
  });
}

const formatMs = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);

const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|EPROTO$|HOSTNAME_MISMATCH)/;

/** Sorts a failed request into DNS, CONNECT, TLS, TIMEOUT or NETWORK, with a readable message. */
export function classifyNetworkError(err: unknown): {
  errorClass: "DNS" | "CONNECT" | "TLS" | "TIMEOUT" | "NETWORK";
  message: string;
} {
  const codes: string[] = [];
  let text = "";
  for (let e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined; e;) {
    if (typeof e.code === "string") codes.push(e.code);
    if (!text && typeof e.message === "string" && e.message) text = e.message;
    e = e.cause as typeof e;
  }
  const code = codes.find((c) => !c.startsWith("UND_ERR_")) ?? codes[0] ?? "";
  const message = [code, text].filter(Boolean).join(": ") || "Network error";
  if (codes.some((c) => /TIMEOUT|ETIMEDOUT/.test(c))) return { errorClass: "TIMEOUT", message };
  if (codes.some((c) => /^(ENOTFOUND|EAI_)/.test(c))) return { errorClass: "DNS", message };
  if (codes.some((c) => TLS_CODE.test(c))) return { errorClass: "TLS", message };
  if (codes.some((c) => /^(ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|EADDRNOTAVAIL|EHOSTDOWN)$/.test(c)))
    return { errorClass: "CONNECT", message };
  return { errorClass: "NETWORK", message };
}
