// Next.js decodes each path segment to match its routes; a %-escape that is not UTF-8 (`%FF`, `%E0%A4%A`)
// makes it fail with a plain-text 500 before any route code runs. The app's server answers such requests
// itself, before Next.js: 400 JSON on API routes, the not-found page elsewhere.

/** True when a path holds a %-escape that does not decode (a broken escape, or bytes that are not UTF-8). */
export function hasMalformedEscapes(pathname) {
  if (!pathname.includes("%")) return false;
  try {
    for (const segment of pathname.split("/")) decodeURIComponent(segment);
    return false;
  } catch {
    return true;
  }
}

/** The path Next.js renders as its not-found page (404). */
export const NOT_FOUND_PATH = "/_not-found";

/**
 * Answers a request whose path cannot be decoded, or rewrites it to the not-found page; false when the
 * path is fine and Next.js should route it.
 *
 * @param {import("node:http").IncomingMessage} req
 * @param {import("node:http").ServerResponse} res
 */
export function answerMalformedPath(req, res) {
  const url = req.url ?? "/";
  const pathname = url.split("?")[0];
  if (!hasMalformedEscapes(pathname)) return false;
  if (pathname.startsWith("/api/")) {
    res.writeHead(400, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        error: { code: "INVALID", message: "The URL's path has a malformed %-escape (it is not UTF-8)" },
      }),
    );
    return true;
  }
  req.url = NOT_FOUND_PATH;
  return false;
}
