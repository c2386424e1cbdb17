// Where providers reach the portal. Twilio signs the exact URL it calls, so behind a proxy the URL the
// server sees differs from the one to check; the Connections page shows the same URL it checks.
import { env } from "@/lib/env";

const first = (value: string | null) => value?.split(",")[0]?.trim() || undefined;

/**
 * The origin the public internet reaches the portal on: AUTH_URL's origin when set, else what a proxy
 * forwarded (X-Forwarded-Proto/Host), else the Host header, else `fallbackUrl`'s origin.
 */
export function publicOrigin(headers: Headers, fallbackUrl?: string, configured = env().AUTH_URL): string {
  if (configured) return new URL(configured).origin;
  const fallback = fallbackUrl ? new URL(fallbackUrl) : undefined;
  const host = first(headers.get("x-forwarded-host")) ?? first(headers.get("host")) ?? fallback?.host;
  const proto = first(headers.get("x-forwarded-proto")) ?? fallback?.protocol.replace(":", "") ?? "http";
  return host ? `${proto}://${host}` : (fallback?.origin ?? "http://localhost");
}

/** The URL a provider called, on the public origin: what Twilio signed, behind proxies too. */
export function publicRequestUrl(request: Request): string {
  const url = new URL(request.url);
  return `${publicOrigin(request.headers, request.url)}${url.pathname}${url.search}`;
}
