const BASE = "http://portal.invalid";

/**
 * Where to go after signing in: `callbackUrl` when it is a path on this site, else `fallback`. Anything
 * that could leave the site is refused — absolute URLs, protocol-relative `//host`, backslashes (`/\host`,
 * which browsers read as `//host`) and control characters (browsers drop tabs and newlines in URLs).
 */
export function safeCallbackPath(callbackUrl: unknown, fallback = "/integrations"): string {
  if (typeof callbackUrl !== "string" || !callbackUrl.startsWith("/") || callbackUrl.startsWith("//"))
    return fallback;
  // eslint-disable-next-line no-control-regex
  if (/[\\\u0000-\u001f\u007f]/.test(callbackUrl)) return fallback;
  try {
    const url = new URL(callbackUrl, BASE);
    if (url.origin !== BASE) return fallback;
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return fallback;
  }
}
