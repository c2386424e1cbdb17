import { type z } from "zod";

import { auth } from "@/lib/auth";
import { publicOrigin } from "@/lib/channels/public-url";
import { authenticateApiKey } from "@/lib/data/api-keys";
import { env } from "@/lib/env";
import {
  AppError,
  describeError,
  expectedError,
  HTTP_STATUS,
  toFieldErrors,
  type AppErrorCode,
  type FieldErrors,
} from "@/lib/errors";
import { BODY_LIMITS, isJsonMediaType, mediaType, readBodyText } from "@/lib/http/body";
import { unstorableText } from "@/lib/validation/text";

import { sharedLimiter, windowFor, type SharedLimiter } from "./rate-limit";

/** The JSON every API error answers with. */
export interface ApiErrorBody {
  error: { code: AppErrorCode | "INTERNAL"; message: string; fieldErrors?: FieldErrors };
}

// Per API key, across every web server (the shared store): API_RATE_LIMIT_BURST requests per the time
// API_RATE_LIMIT_PER_SECOND takes to make that many (100 per 2 s by default).
let limiter: SharedLimiter | undefined;
const rateLimiter = () =>
  (limiter ??= sharedLimiter({
    name: "api_key",
    ...windowFor(env().API_RATE_LIMIT_PER_SECOND, env().API_RATE_LIMIT_BURST),
  }));

export function apiError(
  code: AppErrorCode,
  message: string,
  fieldErrors?: FieldErrors,
  headers?: HeadersInit,
): Response {
  const body: ApiErrorBody = { error: { code, message, ...(fieldErrors ? { fieldErrors } : {}) } };
  return Response.json(body, { status: HTTP_STATUS[code], headers });
}

export interface ApiCaller {
  accountId: string;
  /** Set when the caller used an API key rather than a portal session. */
  keyId: string | null;
}

type AuthMode = "apiKey" | "apiKeyOrSession" | "session";

type RouteContext = { params: Promise<Record<string, string | string[]>> };

interface RouteOptions<
  B extends z.ZodType | undefined,
  Q extends z.ZodType | undefined,
  P extends z.ZodType | undefined,
> {
  /**
   * Who may call: an API key (Default); an API key or a signed-in portal user (the Try Out tab);
   * or only a signed-in portal user (the portal's own live data).
   */
  auth?: AuthMode;
  body?: B;
  query?: Q;
  params?: P;
}

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * A session is a cookie the browser attaches to requests from any site, so a write on a session must
 * come from the portal's own pages: as JSON (which a cross-site form cannot send without the browser
 * asking first) and with an Origin that is this site's — its public origin or the Host it was sent to.
 */
function assertSameSiteWrite(request: Request) {
  if (SAFE_METHODS.has(request.method)) return;
  if (mediaType(request) !== "application/json") throw notJson();
  const origin = request.headers.get("origin");
  const sameSite =
    !!origin &&
    URL.canParse(origin) &&
    (origin === publicOrigin(request.headers, request.url) ||
      new URL(origin).host === request.headers.get("host"));
  if (!sameSite) throw new AppError("FORBIDDEN", "Requests from other sites are refused");
}

const notJson = () =>
  new AppError("UNSUPPORTED_MEDIA_TYPE", "Send the request as JSON (Content-Type: application/json)");

/** The JSON body: JSON by its Content-Type (415 otherwise), at most BODY_LIMITS.api bytes (413). */
async function readJson(request: Request): Promise<unknown> {
  if (!isJsonMediaType(mediaType(request))) throw notJson();
  const text = await readBodyText(request, BODY_LIMITS.api);
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("INVALID", "The request body must be JSON");
  }
}

async function identify(request: Request, mode: AuthMode): Promise<ApiCaller | null> {
  const header = request.headers.get("authorization");
  const bearer = header?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
  if (bearer && mode !== "session") {
    const key = await authenticateApiKey(bearer);
    return key && { accountId: key.accountId, keyId: key.keyId };
  }
  if (mode !== "apiKey") {
    const session = await auth();
    if (session?.user?.accountId) {
      assertSameSiteWrite(request);
      return { accountId: session.user.accountId, keyId: null };
    }
  }
  return null;
}

/**
 * Every API route goes through here: it authenticates the caller (API key, or session where allowed),
 * parses path params, query and JSON body with the route's zod schemas, and maps failures to JSON:
 * 400 with field errors, 401, 404, 409, 413, 415, 422, 429, 503 with Retry-After while the database
 * cannot be reached, and a bare 500 that reveals nothing.
 */
export function apiRoute<
  B extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  P extends z.ZodType | undefined = undefined,
>(
  options: RouteOptions<B, Q, P>,
  handler: (input: {
    body: Out<B>;
    query: Out<Q>;
    params: Out<P>;
    caller: ApiCaller;
    request: Request;
  }) => Promise<Response>,
) {
  return async (request: Request, context: RouteContext): Promise<Response> => {
    try {
      const caller = await identify(request, options.auth ?? "apiKey");
      if (!caller) {
        const message =
          options.auth === "session"
            ? "Sign in first"
            : "Send a valid API key as `Authorization: Bearer <key>`";
        return apiError("UNAUTHORIZED", message, undefined, {
          "www-authenticate": "Bearer",
        });
      }
      if (caller.keyId && env().API_RATE_LIMIT_PER_SECOND > 0) {
        const decision = await rateLimiter().take(caller.keyId);
        if (!decision.allowed) {
          throw new AppError(
            "RATE_LIMITED",
            "Too many requests for this API key; slow down",
            undefined,
            decision.retryAfterSeconds,
          );
        }
      }
      const params = options.params ? parseOr404(options.params, await context.params) : undefined;
      const query = options.query
        ? parse(options.query, Object.fromEntries(new URL(request.url).searchParams), "query")
        : undefined;
      const body = options.body ? parse(options.body, await readJson(request), "body") : undefined;
      return await handler({ body, query, params, caller, request } as Parameters<typeof handler>[0]);
    } catch (err) {
      return errorResponse(err, request);
    }
  };
}

/**
 * A route handler that does its own authentication (cron, metrics), with the same answers as apiRoute
 * for what it throws: an AppError's status, 503 with Retry-After while the database is down, else 500.
 */
export function withErrorResponses(handler: (request: Request) => Promise<Response>) {
  return async (request: Request): Promise<Response> => {
    try {
      return await handler(request);
    } catch (err) {
      return errorResponse(err, request);
    }
  };
}

/** The JSON answer to what a route threw: its AppError, 503 while the database is down, else a bare 500. */
export function errorResponse(err: unknown, request: Request): Response {
  const expected = expectedError(err);
  const where = () => [request.method, new URL(request.url).pathname, describeError(err)];
  if (expected) {
    if (!(err instanceof AppError)) console.warn(`[api] ${expected.code}`, ...where());
    const retryAfter = expected.retryAfterSeconds;
    return apiError(
      expected.code,
      expected.message,
      expected.fieldErrors,
      retryAfter !== undefined ? { "retry-after": String(retryAfter) } : undefined,
    );
  }
  console.error("[api] unexpected error", ...where());
  return Response.json({ error: { code: "INTERNAL", message: "Internal error" } } satisfies ApiErrorBody, {
    status: 500,
  });
}

// Text PostgreSQL cannot store is refused before the schema sees it, with the field it was in.
function parse<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const unstorable = unstorableText(value);
  if (unstorable) throw new AppError("INVALID", `The ${where} has invalid fields`, unstorable);
  const result = schema.safeParse(value);
  if (!result.success)
    throw new AppError("INVALID", `The ${where} has invalid fields`, toFieldErrors(result.error));
  return result.data;
}

// A malformed id in the path names nothing that exists: 404, not 400.
function parseOr404<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success || unstorableText(value)) throw new AppError("NOT_FOUND", "Not found");
  return result.data;
}
