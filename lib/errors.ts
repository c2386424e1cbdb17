import type { z } from "zod";

export type FieldErrors = Record<string, string[]>;

export type AppErrorCode =
  | "INVALID"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "PAYLOAD_TOO_LARGE"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "UNPROCESSABLE"
  | "RATE_LIMITED"
  | "UNAVAILABLE";

export const HTTP_STATUS: Record<AppErrorCode, number> = {
  INVALID: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE: 422,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
};

// Next.js gives every route, server action and the instrumentation hook its own copy of a module, while
// process-wide singletons on globalThis (the ingest batcher, the webhook pools) are shared by all of them:
// an error thrown by one copy's class reaches code that checks against another copy's. So error classes
// are recognised by a brand that is the same in every copy (a registered symbol and a fixed name — class
// names may be minified), and `instanceof` consults it.
const BRANDS = Symbol.for("custom-webhook.error-brands");

type Branded = { [BRANDS]?: Set<string> };

/**
 * An Error class that `instanceof` recognises across bundles. Each subclass declares its own `brand`
 * (a stable name); an instance carries the brands of its class and of every ancestor.
 */
export abstract class RecognisedError extends Error {
  /** The class's stable name (Default: none — every concrete subclass sets one). */
  static readonly brand: string | undefined;

  static [Symbol.hasInstance](value: unknown): boolean {
    const brand = this.brand;
    if (brand === undefined) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === "object" && value !== null && !!(value as Branded)[BRANDS]?.has(brand);
  }

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    const brands = new Set<string>();
    for (
      let c = new.target as { brand?: string } | null;
      c?.brand;
      c = Object.getPrototypeOf(c) as typeof c
    ) {
      brands.add(c.brand);
    }
    Object.defineProperty(this, BRANDS, { value: brands });
    this.name = [...brands][0] ?? "Error";
  }
}

/** An expected failure with a message fit for the user; server actions and API routes map it for the caller. */
export class AppError extends RecognisedError {
  static override readonly brand: string = "AppError";

  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly fieldErrors?: FieldErrors,
    /** For RATE_LIMITED and UNAVAILABLE: when to try again (the `Retry-After` header). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new AppError("NOT_FOUND", `${what} not found`);

/** The PostgreSQL error under a driver or Drizzle wrapper, if any. */
function pgError(err: unknown): { code?: string; constraint?: string } | undefined {
  for (const e of causeChain(err)) {
    const pg = e as { code?: unknown };
    if (typeof pg.code === "string" && /^[0-9A-Z]{5}$/.test(pg.code))
      return pg as { code: string; constraint?: string };
  }
  return undefined;
}

// The error and its causes, outermost first (bounded: a cause chain may loop). Auth.js wraps the
// original error as `cause: { err }`.
function causeChain(err: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = err; e !== undefined && e !== null && chain.length < 8;) {
    chain.push(e);
    if (typeof e !== "object") break;
    const cause = (e as { cause?: unknown }).cause;
    e = cause && typeof cause === "object" && !(cause instanceof Error) && "err" in cause ? cause.err : cause;
  }
  return chain;
}

// Connection-level failures: the server is down, restarting, refusing connections or unreachable, as
// opposed to a statement that failed. Class 08 is connection exceptions; 57P01–57P03 a shutdown or
// start-up; 53300 no free connection slot.
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[123]|53300)$/;
const UNAVAILABLE_SYSCALL = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);
// node-postgres reports these without a code.
const UNAVAILABLE_MESSAGE =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Cannot use a pool after calling end)/;

/** True when err says the database cannot be reached now (not that a statement was wrong). */
export function isDatabaseUnavailable(err: unknown): boolean {
  return causeChain(err).some((e) => {
    if (typeof e !== "object" || e === null) return false;
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === "string" && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_SYSCALL.has(code)))
      return true;
    return typeof message === "string" && UNAVAILABLE_MESSAGE.test(message);
  });
}

/** Seconds a caller is asked to wait (`Retry-After`) while the database cannot be reached. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/**
 * What an unexpected error means for the caller, when it means something: the database being
 * unreachable (UNAVAILABLE, 503 with Retry-After), or a value PostgreSQL refused (a data exception,
 * SQLSTATE class 22: out-of-range dates and numbers, text it cannot hold — INVALID, 400). Inputs are
 * checked before they reach the database; this is the backstop, so no such value can become a 500.
 */
export function expectedError(err: unknown): AppError | null {
  if (err instanceof AppError) return err;
  if (isDatabaseUnavailable(err)) {
    return new AppError(
      "UNAVAILABLE",
      "The service is unavailable for a moment (its database cannot be reached). Nothing was changed; try again shortly.",
      undefined,
      UNAVAILABLE_RETRY_AFTER_SECONDS,
    );
  }
  const code = pgError(err)?.code;
  if (code?.startsWith("22")) return new AppError("INVALID", "A value in the request cannot be stored");
  return null;
}

/** The constraint (or index) a PostgreSQL error names, under any wrapper; a trigger may name one too. */
export function pgConstraint(err: unknown): string | undefined {
  return pgError(err)?.constraint;
}

/** True when err is a unique violation, optionally of the named constraint or index. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const pg = pgError(err);
  return pg?.code === "23505" && (constraint === undefined || pg.constraint === constraint);
}

const SAFE_NAME = /^[\w$.-]{1,60}$/;

/**
 * What may be logged about an unexpected error: the names along its cause chain and a PostgreSQL or
 * system error code and constraint — never a message, since Drizzle's carries the SQL and every
 * parameter value (password hashes, phone numbers, message text).
 */
export function describeError(err: unknown): string {
  const names = causeChain(err).map((e) => {
    if (!(e instanceof Error)) return typeof e;
    const name = e.name !== "Error" ? e.name : e.constructor.name;
    return SAFE_NAME.test(name) ? name : "Error";
  });
  const facts: string[] = [];
  const code = causeChain(err)
    .map((e) => (e as { code?: unknown } | undefined)?.code)
    .find((c): c is string => typeof c === "string" && /^[A-Z0-9_]{1,40}$/.test(c));
  if (code) facts.push(`code ${code}`);
  const constraint = pgConstraint(err);
  if (constraint && SAFE_NAME.test(constraint)) facts.push(`constraint ${constraint}`);
  return `${names.join(" ← ") || "unknown"}${facts.length ? ` [${facts.join(", ")}]` : ""}`;
}

/**
 * True when err is (or wraps) a database error: Drizzle's message carries the SQL and every parameter
 * value, and PostgreSQL's detail can quote the row — such an error may be logged only as describeError.
 */
export function isDatabaseError(err: unknown): boolean {
  return causeChain(err).some(
    (e) => e instanceof Error && (e.name === "DrizzleQueryError" || pgError(e) !== undefined),
  );
}

/** Turns a zod error into the `{ field: [messages] }` shape forms and API clients show beside each input. */
export function toFieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.join(".") || "_root";
    (out[key] ??= []).push(issue.message);
  }
  return out;
}
