import { createHash } from "node:crypto";

import { and, eq, lt, sql } from "drizzle-orm";

import { db } from "@/db";
import { idempotencyKeys } from "@/db/schema";
import { AppError } from "@/lib/errors";

const WINDOW_HOURS = 24;
// A row with this status is a request still in flight.
const IN_PROGRESS = 0;

// An in-flight claim older than this belongs to a request that died: the next retry may take it over.
const ABANDONED_AFTER_SECONDS = 60;

// JSON with object keys sorted, so {"a":1,"b":2} and {"b":2,"a":1} are the same request.
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

const hashRequest = (body: unknown) => createHash("sha256").update(canonicalJson(body)).digest("hex");

/**
 * Runs `handler` at most once per account, route and Idempotency-Key within 24 hours: a repeat with the
 * same body gets the first answer again; a repeat with another body is refused with 422; a repeat while
 * the first is still running is refused with 409 (unless that one died a minute ago). Failures (4xx/5xx)
 * are not remembered, so a caller can retry.
 *
 * `route` is the method and path (`POST /api/v1/…/messages`): one key on two routes is two requests.
 */
export async function withIdempotency(
  accountId: string,
  route: string,
  idempotencyKey: string | null,
  body: unknown,
  handler: () => Promise<{ status: number; body: unknown }>,
): Promise<{ status: number; body: unknown; replayed: boolean }> {
  if (!idempotencyKey) return { ...(await handler()), replayed: false };
  if (idempotencyKey.length > 255)
    throw new AppError("INVALID", "Idempotency-Key must be at most 255 characters");
  const key = `${route} ${idempotencyKey}`;
  const requestHash = hashRequest(body);

  // Forget keys past the window, then claim this one (or find who has it).
  await db()
    .delete(idempotencyKeys)
    .where(
      and(
        eq(idempotencyKeys.accountId, accountId),
        eq(idempotencyKeys.key, key),
        lt(idempotencyKeys.createdAt, sql`now() - make_interval(hours => ${WINDOW_HOURS})`),
      ),
    );
  const claimed = await db()
    .insert(idempotencyKeys)
    .values({ accountId, key, requestHash, responseStatus: IN_PROGRESS, responseBody: {} })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });

  if (claimed.length === 0) {
    const [existing] = await db()
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.accountId, accountId), eq(idempotencyKeys.key, key)));
    if (!existing)
      throw new AppError("CONFLICT", "A request with this Idempotency-Key was just replaced; retry");
    if (existing.requestHash !== requestHash) {
      throw new AppError(
        "UNPROCESSABLE",
        "This Idempotency-Key was already used with a different request body",
      );
    }
    if (existing.responseStatus !== IN_PROGRESS) {
      return { status: existing.responseStatus, body: existing.responseBody, replayed: true };
    }
    const takenOver = await db()
      .update(idempotencyKeys)
      .set({ createdAt: new Date() })
      .where(
        and(
          eq(idempotencyKeys.accountId, accountId),
          eq(idempotencyKeys.key, key),
          eq(idempotencyKeys.responseStatus, IN_PROGRESS),
          lt(idempotencyKeys.createdAt, sql`now() - make_interval(secs => ${ABANDONED_AFTER_SECONDS})`),
        ),
      )
      .returning({ key: idempotencyKeys.key });
    if (takenOver.length === 0) {
      throw new AppError("CONFLICT", "A request with this Idempotency-Key is still being processed");
    }
  }

  const forget = () =>
    db()
      .delete(idempotencyKeys)
      .where(and(eq(idempotencyKeys.accountId, accountId), eq(idempotencyKeys.key, key)));
  let result: { status: number; body: unknown };
  try {
    result = await handler();
  } catch (err) {
    await forget();
    throw err;
  }
  if (result.status >= 400) {
    await forget();
  } else {
    await db()
      .update(idempotencyKeys)
      .set({ responseStatus: result.status, responseBody: result.body })
      .where(and(eq(idempotencyKeys.accountId, accountId), eq(idempotencyKeys.key, key)));
  }
  return { ...result, replayed: false };
}
