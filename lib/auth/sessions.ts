// Server-side sessions: the session cookie (an Auth.js JWT) carries the id of a row here, and every
// request checks that row, so deleting it signs the browser out at once — on every instance.
import { and, eq, gt, inArray, lt, ne, sql } from "drizzle-orm";

import { db, type Executor } from "@/db";
import { passwordResets, pendingSignups, sessions, users } from "@/db/schema";
import { isUuid } from "@/lib/validation/ids";

import { SESSION_MAX_AGE_SECONDS } from "./config";

// last_seen_at (and the sliding expiry) is written at most this often: a read per request, not a write.
const TOUCH_EVERY_MS = 5 * 60_000;
// Expired rows removed per sign-in: each sign-in (or sign-up, or reset request) makes at most one row,
// and removes up to this many expired ones, so expired rows cannot pile up.
const PURGE_BATCH = 100;

export interface ActiveSession {
  sessionId: string;
  userId: string;
  accountId: string;
  email: string;
  name: string;
  role: "OWNER" | "MEMBER";
}

const expiry = (from = Date.now()) => new Date(from + SESSION_MAX_AGE_SECONDS * 1000);

/** Records a new sign-in and returns its id (for the JWT); clears a batch of expired rows on the way. */
export async function createSession(input: {
  userId: string;
  accountId: string;
  userAgent?: string | null;
  ip?: string | null;
}): Promise<string> {
  await purgeExpiredAuthRows();
  const [row] = await db()
    .insert(sessions)
    .values({
      userId: input.userId,
      accountId: input.accountId,
      expiresAt: expiry(),
      userAgent: input.userAgent?.slice(0, 400) || null,
      ip: input.ip?.slice(0, 64) || null,
    })
    .returning({ id: sessions.id });
  return row!.id;
}

/**
 * The session behind a JWT's session id, with its user as they are now — or null when it was ended or
 * has expired. One primary-key lookup; a write only when last_seen_at is older than a few minutes.
 */
export async function findActiveSession(sessionId: unknown): Promise<ActiveSession | null> {
  if (!isUuid(sessionId)) return null;
  const [row] = await db()
    .select({
      sessionId: sessions.id,
      userId: sessions.userId,
      accountId: sessions.accountId,
      lastSeenAt: sessions.lastSeenAt,
      email: users.email,
      name: users.name,
      role: users.role,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, sessionId), gt(sessions.expiresAt, sql`now()`)))
    .limit(1);
  if (!row) return null;
  if (Date.now() - row.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await db()
      .update(sessions)
      .set({ lastSeenAt: new Date(), expiresAt: expiry() })
      .where(eq(sessions.id, row.sessionId));
  }
  const { lastSeenAt: _seen, ...session } = row;
  return session;
}

/** Ends one session (sign-out). Ending one that is already gone is not an error. */
export async function endSession(sessionId: unknown): Promise<void> {
  if (!isUuid(sessionId)) return;
  await db().delete(sessions).where(eq(sessions.id, sessionId));
}

/** Ends one of the user's own sessions (Settings → Sign out on a row); false when it is not theirs. */
export async function endOwnSession(userId: string, sessionId: string): Promise<boolean> {
  const rows = await db()
    .delete(sessions)
    .where(and(eq(sessions.userId, userId), eq(sessions.id, sessionId)))
    .returning({ id: sessions.id });
  return rows.length > 0;
}

/** Ends every session of the user except `keep` (after a password change); all of them without it. */
export async function endUserSessions(
  userId: string,
  { keep, executor = db() }: { keep?: string; executor?: Executor } = {},
): Promise<number> {
  const rows = await executor
    .delete(sessions)
    .where(and(eq(sessions.userId, userId), keep ? ne(sessions.id, keep) : undefined))
    .returning({ id: sessions.id });
  return rows.length;
}

/** Ends every session of every user of the account ("Sign out everywhere"). */
export async function endAccountSessions(accountId: string): Promise<number> {
  const rows = await db()
    .delete(sessions)
    .where(eq(sessions.accountId, accountId))
    .returning({ id: sessions.id });
  return rows.length;
}

/** The user's live sessions, most recently used first (Settings → Security). */
export async function listUserSessions(userId: string) {
  return db()
    .select({
      id: sessions.id,
      createdAt: sessions.createdAt,
      lastSeenAt: sessions.lastSeenAt,
      userAgent: sessions.userAgent,
      ip: sessions.ip,
    })
    .from(sessions)
    .where(and(eq(sessions.userId, userId), gt(sessions.expiresAt, sql`now()`)))
    .orderBy(sql`${sessions.lastSeenAt} DESC`)
    .limit(50);
}

export type SessionListItem = Awaited<ReturnType<typeof listUserSessions>>[number];

/**
 * Deletes up to `limit` expired rows of each table that sign-ins, sign-ups and password resets fill
 * (oldest first, on their expiry indexes). Called whenever one of them adds a row.
 */
export async function purgeExpiredAuthRows(limit = PURGE_BATCH): Promise<void> {
  const now = sql`now()`;
  const expired = <T extends typeof sessions | typeof pendingSignups | typeof passwordResets>(table: T) =>
    db()
      .select({ id: table.id })
      .from(table as typeof sessions)
      .where(lt(table.expiresAt, now))
      .orderBy(table.expiresAt)
      .limit(limit);
  await db()
    .delete(sessions)
    .where(inArray(sessions.id, expired(sessions)));
  await db()
    .delete(pendingSignups)
    .where(inArray(pendingSignups.id, expired(pendingSignups)));
  await db()
    .delete(passwordResets)
    .where(inArray(passwordResets.id, expired(passwordResets)));
}
