// Where providers reach the portal. Twilio signs the exact URL it calls, so behind a proxy the URL the
// server sees differs from the one to check; the Connections page shows the same URL it checks.
import { env } from "@/lib/env";

const first = (value: string | null) => value?.split(",")[0]?.trim() || undefined;

export interface OriginOptions {
  /** The configured public origin (Default: AUTH_URL). */
  configured?: string;
  /** Whether X-Forwarded-Host/-Proto come from a proxy of ours (Default: TRUST_PROXY). */
  trustProxy?: boolean;
}

/**
 * The origin the public internet reaches the portal on: AUTH_URL's origin when set; else, behind a
 * trusted proxy, what it forwarded (X-Forwarded-Proto/Host); else `requestUrl`'s origin, else the Host
 * header. Without TRUST_PROXY, forwarded headers are ignored: any client can send them.
 */
export function publicOrigin(
  headers: Headers,
  requestUrl?: string,
  { configured = env().AUTH_URL, trustProxy = env().TRUST_PROXY }: OriginOptions = {},
): string {
  if (configured) return new URL(configured).origin;
  const fallback = requestUrl ? new URL(requestUrl) : undefined;
  const forwardedHost = trustProxy ? first(headers.get("x-forwarded-host")) : undefined;
  if (forwardedHost) {
    const proto = first(headers.get("x-forwarded-proto")) ?? fallback?.protocol.replace(":", "") ?? "https";
    return `${proto}://${forwardedHost}`;
  }
  if (fallback) return fallback.origin;
  const host = first(headers.get("host"));
  return host ? `http://${host}` : "http://localhost";
}

/** The URL a provider called, on the public origin: what Twilio signed, behind proxies too. */
export function publicRequestUrl(request: Request, options?: OriginOptions): string {
  const url = new URL(request.url);
  return `${publicOrigin(request.headers, request.url, options)}${url.pathname}${url.search}`;
}

/** Why providers cannot call this origin (plain http, or this machine), or null when they can. */
export function unreachableOriginReason(origin: string): string | null {
  const { protocol, hostname } = new URL(origin);
  if (["localhost", "127.0.0.1", "[::1]", "0.0.0.0"].includes(hostname) || hostname.endsWith(".localhost"))
    return `it points at ${hostname}, which only this machine can reach`;
  if (protocol === "http:") return "it is plain http://; providers require https";
  return null;
}
