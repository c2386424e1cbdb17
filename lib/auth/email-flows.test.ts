import { randomUUID } from "node:crypto";

import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";

import { db } from "@/db";
import { passwordResets, pendingSignups, sessions, users } from "@/db/schema";
import { verifyCredentials } from "@/lib/data/accounts";
import { createTestAccount, TEST_PASSWORD } from "@/lib/testing/accounts";
import { linkIn, startFakeSmtp } from "@/lib/testing/smtp";

import {
  confirmSignUp,
  findPendingSignUp,
  isResetLinkValid,
  requestPasswordReset,
  requestSignUp,
  resetPassword,
} from "./email-flows";
import { createSession, findActiveSession } from "./sessions";

// Real SMTP to a fake server on 127.0.0.1; set before anything reads the environment.
const smtp = await startFakeSmtp();
process.env.SMTP_URL = smtp.url;
process.env.MAIL_FROM = "Custom Webhook <no-reply@portal.test>";
process.env.AUTH_URL = "http://localhost:3999";
afterAll(() => smtp.close());

const newEmail = () => `someone-${randomUUID().slice(0, 8)}@example.test`;
const tokenOf = (link: string) => new URL(link).searchParams.get("token")!;
const signUp = (email: string, password = "my chosen password") =>
  requestSignUp({ name: "Ada", accountName: "Engines", email, password });

describe("sign-up by email", () => {
  it("a new address gets a link that creates the account, with the password chosen at sign-up", async () => {
    const email = newEmail();
    await signUp(email.toUpperCase());
    const mail = await smtp.next(email);
    expect(mail).toMatchObject({
      from: "no-reply@portal.test",
      subject: "Finish creating your Custom Webhook account",
    });
    const link = linkIn(mail, "http://localhost:3999/signup/confirm?token=");
    const token = tokenOf(link);

    // Nothing exists yet but the request, with a hash of the password and of the token.
    expect(await db().select().from(users).where(eq(users.email, email))).toEqual([]);
    const [pending] = await db().select().from(pendingSignups).where(eq(pendingSignups.email, email));
    expect(pending!.passwordHash).toMatch(/^\$argon2id\$/);
    expect(pending!.tokenHash).not.toContain(token);
    expect(await findPendingSignUp(token)).toEqual({ email, accountName: "Engines" });

    await expect(confirmSignUp(token, "another password")).rejects.toMatchObject({
      code: "INVALID",
      fieldErrors: { password: ["This is not the password you chose when you signed up"] },
    });
    const owner = await confirmSignUp(token, "my chosen password");
    expect(owner).toMatchObject({ email, name: "Ada" });
    expect(await verifyCredentials(email, "my chosen password")).toMatchObject({ id: owner.id });

    // Used once.
    await expect(confirmSignUp(token, "my chosen password")).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await findPendingSignUp(token)).toBeNull();
  });

  it("an address that has an account gets an email saying so, and nothing changes", async () => {
    const user = await createTestAccount("Taken");
    await signUp(user.email, "a password of the attacker");
    const mail = await smtp.next(user.email);
    expect(mail.subject).toBe("You already have a Custom Webhook account");
    expect(mail.text).toContain("http://localhost:3999/login");
    expect(mail.text).toContain("http://localhost:3999/forgot-password");
    expect(mail.text).not.toContain("token=");
    expect(await db().select().from(pendingSignups).where(eq(pendingSignups.email, user.email))).toEqual([]);
    expect(await verifyCredentials(user.email, TEST_PASSWORD)).not.toBeNull();
  });

  it("a second sign-up for the same address replaces the first: the earlier link stops working", async () => {
    const email = newEmail();
    await signUp(email, "first password");
    const first = tokenOf(linkIn(await smtp.next(email), "http://"));
    await signUp(email, "second password");
    const second = tokenOf(linkIn(await smtp.next(email), "http://"));
    await expect(confirmSignUp(first, "first password")).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(confirmSignUp(second, "first password")).rejects.toMatchObject({ code: "INVALID" });
    expect(await confirmSignUp(second, "second password")).toMatchObject({ email });
  });

  it("an expired link is refused", async () => {
    const email = newEmail();
    await signUp(email);
    const token = tokenOf(linkIn(await smtp.next(email), "http://"));
    await db()
      .update(pendingSignups)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(pendingSignups.email, email));
    await expect(confirmSignUp(token, "my chosen password")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("Forgot password?", () => {
  it("an unknown address gets an email saying no account uses it; no link", async () => {
    const email = newEmail();
    await requestPasswordReset(email);
    const mail = await smtp.next(email);
    expect(mail.text).toContain("no account uses this address");
    expect(mail.text).toContain("http://localhost:3999/signup");
    expect(mail.text).not.toContain("token=");
  });

  it("a reset link sets a new password once, ends all of the user's sessions and other links", async () => {
    const user = await createTestAccount("Forgot");
    const signedIn = await createSession({ userId: user.id, accountId: user.accountId });
    await requestPasswordReset(user.email);
    const older = tokenOf(linkIn(await smtp.next(user.email), "http://localhost:3999/reset-password?token="));
    await requestPasswordReset(user.email);
    const token = tokenOf(linkIn(await smtp.next(user.email), "http://localhost:3999/reset-password?token="));
    expect(await isResetLinkValid(token)).toBe(true);

    expect(await resetPassword(token, "a fresh password")).toEqual({ email: user.email });
    expect(await verifyCredentials(user.email, "a fresh password")).not.toBeNull();
    expect(await verifyCredentials(user.email, TEST_PASSWORD)).toBeNull();
    expect(await findActiveSession(signedIn)).toBeNull();
    expect(await db().select().from(sessions).where(eq(sessions.userId, user.id))).toEqual([]);
    expect(await db().select().from(passwordResets).where(eq(passwordResets.userId, user.id))).toEqual([]);
    await expect(resetPassword(token, "again")).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(resetPassword(older, "again")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("an expired reset link is refused", async () => {
    const user = await createTestAccount("Late");
    await requestPasswordReset(user.email);
    const token = tokenOf(linkIn(await smtp.next(user.email), "http://"));
    await db()
      .update(passwordResets)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(passwordResets.userId, user.id));
    expect(await isResetLinkValid(token)).toBe(false);
    await expect(resetPassword(token, "a fresh password")).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await verifyCredentials(user.email, TEST_PASSWORD)).not.toBeNull();
  });
});
