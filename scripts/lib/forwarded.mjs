// What the app may believe about where a request came from. Next.js passes X-Forwarded-* headers through
// as the client sent them (it only fills them in when absent), so any client could pick its own address
// (and host) unless something in front of Next.js decides. This is that something.

// Headers that tell who the client is or which URL it used, according to whoever sent them.
export const FORWARDED_HEADERS = [
  "forwarded",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-forwarded-port",
  "x-real-ip",
];

/**
 * Rewrites `headers` (a node:http request's, before Next.js sees them) so that X-Forwarded-For names the
 * client: without `trustProxy` every forwarded header the client sent is dropped and X-Forwarded-For is
 * the socket's peer address; with it (behind a proxy that sets or appends them) they are kept, and the
 * peer address is used only when the proxy sent none.
 *
 * @param {Record<string, string | string[] | undefined>} headers
 * @param {string | undefined} peerAddress the socket's remote address
 * @param {boolean} trustProxy
 */
export function adoptClientAddress(headers, peerAddress, trustProxy) {
  if (!trustProxy) for (const name of FORWARDED_HEADERS) delete headers[name];
  if (!headers["x-forwarded-for"] && peerAddress) headers["x-forwarded-for"] = peerAddress;
}
