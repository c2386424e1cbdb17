// Next.js decodes each path segment to match its routes; a %-escape that is not UTF-8 (`%FF`, `%E0%A4%A`)
// makes it fail with a plain-text 500 before any route code runs. The server in front of Next answers
// such requests itself: 400 JSON on API routes, the not-found page elsewhere.

/** True when a path holds a %-escape that does not decode (a broken escape or bytes that are not UTF-8). */
export function hasMalformedEscapes(pathname: string): boolean {
  if (!pathname.includes("%")) return false;
  try {
    for (const segment of pathname.split("/")) decodeURIComponent(segment);
    return false;
  } catch {
    return true;
  }
}

/** The path Next.js renders as the not-found page (404). */
export const NOT_FOUND_PATH = "/_not-found";

export const MALFORMED_PATH_BODY = JSON.stringify({
  error: { code: "INVALID", message: "The URL's path has a malformed %-escape (it is not UTF-8)" },
});
