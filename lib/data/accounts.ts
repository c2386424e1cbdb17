import { randomUUID } from "node:crypto";

import { eq, sql } from "drizzle-orm";

import { db, type Executor } from "@/db";
import { accounts, users } from "@/db/schema";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { endUserSessions } from "@/lib/auth/sessions";
import { AppError, isUniqueViolation, notFound } from "@/lib/errors";
import { retentionSchema } from "@/lib/validation/retention";
import { ensurePartitions, utcDay } from "@/lib/webhooks/partitions";
import { signUpSchema, type SignUpInput } from "@/lib/validation/auth";

let dummyHash: Promise<string> | undefined;

export interface SessionUser {
  id: string;
  accountId: string;
  email: string;
  name: string;
}

/** Creates an account and its owner in one transaction; a taken email is a field error. */
export async function createAccountWithOwner(
  input: SignUpInput,
  executor: Executor = db(),
): Promise<SessionUser> {
  const { name, accountName, email, password } = signUpSchema.parse(input);
  const passwordHash = await hashPassword(password);
  return insertAccountWithOwner({ name, accountName, email, passwordHash }, executor);
}

/** The same, with the password already hashed (a confirmed sign-up stored its hash). */
export async function insertAccountWithOwner(
  owner: { name: string; accountName: string; email: string; passwordHash: string },
  executor: Executor = db(),
): Promise<SessionUser> {
  const { name, accountName, email, passwordHash } = owner;
  try {
    return await executor.transaction(async (tx) => {
      const [account] = await tx.insert(accounts).values({ name: accountName }).returning();
      const [user] = await tx
        .insert(users)
        .values({ accountId: account!.id, name, email, passwordHash, role: "OWNER" })
        .returning();
      return { id: user!.id, accountId: account!.id, email: user!.email, name: user!.name };
    });
  } catch (err) {
    if (isUniqueViolation(err, "users_email_key")) {
      throw new AppError("CONFLICT", "An account with this email already exists", {
        email: ["An account with this email already exists"],
      });
    }
    throw err;
  }
}

/** The user with this email and password, or null; takes the same time whether or not the email exists. */
export async function verifyCredentials(email: string, password: string): Promise<SessionUser | null> {
  const [user] = await db().select().from(users).where(eq(users.email, email.trim().toLowerCase())).limit(1);
  // Verify against a dummy hash when the email is unknown, so timing does not reveal which emails exist.
  dummyHash ??= hashPassword(randomUUID());
  const ok = await verifyPassword(user?.passwordHash ?? (await dummyHash), password);
  if (!user || !ok) return null;
  return { id: user.id, accountId: user.accountId, email: user.email, name: user.name };
}

export async function getAccount(accountId: string) {
  const [account] = await db().select().from(accounts).where(eq(accounts.id, accountId)).limit(1);
  return account ?? null;
}

/**
 * Changes a signed-in user's password after checking the current one, and ends the user's other
 * sessions (`keepSessionId` stays signed in). A wrong current password is a field error.
 */
export async function changePassword(
  userId: string,
  {
    currentPassword,
    newPassword,
    keepSessionId,
  }: { currentPassword: string; newPassword: string; keepSessionId: string },
): Promise<{ endedSessions: number }> {
  const [user] = await db()
    .select({ passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.id, userId));
  if (!user || !(await verifyPassword(user.passwordHash, currentPassword))) {
    throw new AppError("INVALID", "Your current password is not right", {
      currentPassword: ["This is not your current password"],
    });
  }
  const passwordHash = await hashPassword(newPassword);
  return db().transaction(async (tx) => {
    await tx.update(users).set({ passwordHash }).where(eq(users.id, userId));
    return { endedSessions: await endUserSessions(userId, { keep: keepSessionId, executor: tx }) };
  });
}

/** The account's data retention period, in days (Settings → Data retention). */
export async function getRetentionDays(accountId: string): Promise<number> {
  const window = await getRetentionWindow(accountId);
  if (!window) throw notFound("Account");
  return window.retentionDays;
}

/**
 * The account's retention period, and the latest expiry day (YYYY-MM-DD) any of its stored rows can
 * have: reads of the partitioned tables bound expires_on by it, so the planner leaves out the
 * partitions made ahead for longer periods (planning every day's partition costs more than the read).
 * A day of margin covers a clock a little behind the database's around midnight. Null: no such account.
 */
export async function getRetentionWindow(
  accountId: string,
): Promise<{ retentionDays: number; lastExpiresOn: string } | null> {
  const [row] = await db()
    .select({ days: accounts.retentionDays, catchUpUntil: accounts.retentionCatchUpUntil })
    .from(accounts)
    .where(eq(accounts.id, accountId));
  if (!row) return null; // a deleted account: nothing of it is anyone's to read
  const now = new Date();
  const byPeriod = utcDay(now, row.days + 2);
  const byCatchUp = row.catchUpUntil ? utcDay(row.catchUpUntil, 2) : byPeriod;
  return { retentionDays: row.days, lastExpiresOn: byCatchUp > byPeriod ? byCatchUp : byPeriod };
}

/**
 * Sets the account's retention period. What is written from now on takes it; stored rows keep the day
 * they were given. So a shorter period also marks the account until the last row written under the
 * longer one would expire by itself: until then, the retention removes what is older than the new
 * period in small batches (lib/webhooks/retention.ts).
 */
export async function setRetentionDays(accountId: string, days: number): Promise<number> {
  const { days: valid } = retentionSchema.parse({ days });
  const [row] = await db()
    .update(accounts)
    .set({
      retentionDays: valid,
      retentionCatchUpUntil: sql`CASE WHEN ${valid} < ${accounts.retentionDays}
        THEN greatest(coalesce(${accounts.retentionCatchUpUntil}, now()), now() + (${accounts.retentionDays} + 1) * interval '1 day')
        ELSE ${accounts.retentionCatchUpUntil} END`,
    })
    .where(eq(accounts.id, accountId))
    .returning({ days: accounts.retentionDays });
  if (!row) throw notFound("Account");
  // A longer period writes to days further ahead: make their partitions now.
  await ensurePartitions();
  return row.days;
}
