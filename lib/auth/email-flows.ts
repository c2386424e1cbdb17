// Sign-up and "Forgot password?" go through the user's inbox, so that neither tells anyone whether an
// address has an account: both answer the same whatever the address, and the email says what is true
// (finish creating your account / you already have one / here is your reset link / no account here).
// Both paths do the same work (an argon2 hash, a database round trip, one email), so timing tells
// nothing either. Links carry a random token; only its SHA-256 is stored.
import { createHash, randomBytes } from "node:crypto";

import { and, eq, gt, sql } from "drizzle-orm";

import { db } from "@/db";
import { passwordResets, pendingSignups, users } from "@/db/schema";
import { insertAccountWithOwner, type SessionUser } from "@/lib/data/accounts";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { sendMail } from "@/lib/mail";
import { signUpSchema, type SignUpInput } from "@/lib/validation/auth";

import { hashPassword, verifyPassword } from "./password";
import { endUserSessions, purgeExpiredAuthRows } from "./sessions";

/** How long a sign-up's link works. */
export const SIGN_UP_LINK_HOURS = 24;
/** How long a password reset link works. */
export const RESET_LINK_MINUTES = 60;

const PRODUCT = "Custom Webhook";

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

function newToken() {
  const token = randomBytes(32).toString("base64url");
  return { token, tokenHash: hashToken(token) };
}

/**
 * Where links in emails point: AUTH_URL, else this machine. Never the request's Host header, which
 * the requester chooses: a reset link for someone else's address must not point at the requester's site.
 */
export function linkOrigin(): string {
  const configured = env().AUTH_URL;
  return configured ? new URL(configured).origin : `http://localhost:${process.env.PORT ?? 3000}`;
}

const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000);

// ---------------------------------------------------------------- sign-up

/**
 * A sign-up request. A new address gets a link that creates the account (the request is kept, with
 * its password hash, until then); an address that has an account gets an email saying so, with links
 * to sign in and to reset the password. The caller learns nothing either way.
 */
export async function requestSignUp(input: SignUpInput): Promise<void> {
  const { name, accountName, email, password } = signUpSchema.parse(input);
  const passwordHash = await hashPassword(password);
  await purgeExpiredAuthRows();
  const [existing] = await db().select({ id: users.id }).from(users).where(eq(users.email, email));
  const origin = linkOrigin();
  if (existing) {
    await sendMail({
      to: email,
      subject: `You already have a ${PRODUCT} account`,
      text: [
        `Someone, probably you, tried to create a ${PRODUCT} account with ${email}. This address already has one, so nothing was created.`,
        `Sign in: ${origin}/login`,
        `Forgot your password? Choose a new one: ${origin}/forgot-password`,
        "If it was not you, you can ignore this email: nothing has changed.",
      ].join("\n\n"),
    });
    return;
  }
  const { token, tokenHash } = newToken();
  const values = {
    email,
    name,
    accountName,
    passwordHash,
    tokenHash,
    expiresAt: minutesFromNow(SIGN_UP_LINK_HOURS * 60),
  };
  // The latest sign-up for an address wins; an earlier link stops working.
  await db()
    .insert(pendingSignups)
    .values(values)
    .onConflictDoUpdate({ target: pendingSignups.email, set: { ...values, createdAt: sql`now()` } });
  await sendMail({
    to: email,
    subject: `Finish creating your ${PRODUCT} account`,
    text: [
      `To finish creating your ${PRODUCT} account for ${email}, open this link within ${SIGN_UP_LINK_HOURS} hours and enter the password you chose:`,
      `${origin}/signup/confirm?token=${token}`,
      "If you did not sign up, ignore this email: no account is created without this link.",
    ].join("\n\n"),
  });
}

const expiredLink = (what: string, again: string) =>
  new AppError("NOT_FOUND", `This link has expired or was already used. ${again} to get a new ${what}.`);

/** The pending sign-up a link names, for its page; null when the link is unknown or expired. */
export async function findPendingSignUp(
  token: string,
): Promise<{ email: string; accountName: string } | null> {
  const [row] = await db()
    .select({ email: pendingSignups.email, accountName: pendingSignups.accountName })
    .from(pendingSignups)
    .where(and(eq(pendingSignups.tokenHash, hashToken(token)), gt(pendingSignups.expiresAt, sql`now()`)));
  return row ?? null;
}

/**
 * Creates the account of a sign-up from its link. The password chosen at sign-up must be given again:
 * whoever opens the link must be the one who signed up (else someone could sign a victim's address up
 * with a password of theirs and wait for the victim to click).
 */
export async function confirmSignUp(token: string, password: string): Promise<SessionUser> {
  const tokenHash = hashToken(token);
  const [pending] = await db()
    .select()
    .from(pendingSignups)
    .where(and(eq(pendingSignups.tokenHash, tokenHash), gt(pendingSignups.expiresAt, sql`now()`)));
  if (!pending) throw expiredLink("link", "Sign up again");
  if (!(await verifyPassword(pending.passwordHash, password))) {
    throw new AppError("INVALID", "This is not the password you chose when you signed up", {
      password: ["This is not the password you chose when you signed up"],
    });
  }
  return db().transaction(async (tx) => {
    // Used once: of two clicks at the same time, one creates the account.
    const taken = await tx
      .delete(pendingSignups)
      .where(and(eq(pendingSignups.id, pending.id), eq(pendingSignups.tokenHash, tokenHash)))
      .returning({ id: pendingSignups.id });
    if (taken.length === 0) throw expiredLink("link", "Sign up again");
    return insertAccountWithOwner(pending, tx);
  });
}

// ---------------------------------------------------------------- password reset

/**
 * "Forgot password?": an address with an account gets a reset link; one without gets an email saying
 * no account uses it (so a person who mistyped finds out, in their own inbox only).
 */
export async function requestPasswordReset(email: string): Promise<void> {
  await purgeExpiredAuthRows();
  const [user] = await db().select({ id: users.id }).from(users).where(eq(users.email, email));
  const origin = linkOrigin();
  if (!user) {
    await sendMail({
      to: email,
      subject: `Reset your ${PRODUCT} password`,
      text: [
        `Someone asked to reset the password of the ${PRODUCT} account for ${email}, but no account uses this address. Maybe you signed up with another one?`,
        `To create an account: ${origin}/signup`,
        "If it was not you, you can ignore this email.",
      ].join("\n\n"),
    });
    return;
  }
  const { token, tokenHash } = newToken();
  await db()
    .insert(passwordResets)
    .values({ userId: user.id, tokenHash, expiresAt: minutesFromNow(RESET_LINK_MINUTES) });
  await sendMail({
    to: email,
    subject: `Reset your ${PRODUCT} password`,
    text: [
      `To choose a new password for your ${PRODUCT} account ${email}, open this link within ${RESET_LINK_MINUTES} minutes:`,
      `${origin}/reset-password?token=${token}`,
      "Choosing a new password signs you out everywhere.",
      "If you did not ask for this, ignore this email: your password stays as it is.",
    ].join("\n\n"),
  });
}

/** Whether a reset link still works, for its page. */
export async function isResetLinkValid(token: string): Promise<boolean> {
  const [row] = await db()
    .select({ id: passwordResets.id })
    .from(passwordResets)
    .where(and(eq(passwordResets.tokenHash, hashToken(token)), gt(passwordResets.expiresAt, sql`now()`)));
  return !!row;
}

/**
 * Sets a new password from a reset link (used once), and ends all of that user's sessions and other
 * reset links. Returns the user's email, for signing in with the new password.
 */
export async function resetPassword(token: string, newPassword: string): Promise<{ email: string }> {
  const passwordHash = await hashPassword(newPassword);
  return db().transaction(async (tx) => {
    const [reset] = await tx
      .delete(passwordResets)
      .where(and(eq(passwordResets.tokenHash, hashToken(token)), gt(passwordResets.expiresAt, sql`now()`)))
      .returning({ userId: passwordResets.userId });
    if (!reset) throw expiredLink("link", "Ask for a new password again");
    const [user] = await tx
      .update(users)
      .set({ passwordHash })
      .where(eq(users.id, reset.userId))
      .returning({ email: users.email });
    await tx.delete(passwordResets).where(eq(passwordResets.userId, reset.userId));
    await endUserSessions(reset.userId, { executor: tx });
    return { email: user!.email };
  });
}
