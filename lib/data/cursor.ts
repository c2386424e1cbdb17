import { sql, type AnyColumn } from "drizzle-orm";

import { AppError } from "@/lib/errors";
import { isStorableInstant } from "@/lib/validation/time";

// Keyset cursors: a listing's `nextCursor` names the last row of its page by its sort key (a timestamp,
// and a tie-breaker: an id or a sequence number), so the next page starts after it by index, however
// deep. Opaque to callers (base64url of "kind|time|key"), checked on the way back in.

/** A timestamp column as a cursor keeps it: UTC with microseconds, whatever the session's DateStyle. */
export const cursorTime = (column: AnyColumn) =>
  sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

export const encodeCursor = (kind: string, at: string, key: string | number) =>
  Buffer.from(`${kind}|${at}|${key}`).toString("base64url");

/**
 * The (time, key) a cursor of this kind names. Throws AppError INVALID (a 400 in APIs) for a cursor the
 * listing did not give out: another kind, a malformed or impossible time, a key `isKey` refuses.
 */
export function decodeCursor(cursor: string, kind: string, isKey: (key: string) => boolean) {
  const [cursorKind, at, key, ...rest] = Buffer.from(cursor, "base64url").toString().split("|");
  const realTime = (t: string) =>
    isStorableInstant(new Date(t)) && new Date(t).toISOString().slice(0, 19) === t.slice(0, 19);
  if (
    cursorKind !== kind ||
    !at ||
    !CURSOR_TIME.test(at) ||
    !realTime(at) ||
    !key ||
    !isKey(key) ||
    rest.length
  ) {
    const message = "This cursor is not one this listing gave out: start again without it";
    throw new AppError("INVALID", message, { cursor: [message] });
  }
  return { at, key };
}
