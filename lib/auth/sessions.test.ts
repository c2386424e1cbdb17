import { eq, inArray } from "drizzle-orm";
import { encode } from "next-auth/jwt";
import { describe, expect, it, vi } from "vitest";

import { db } from "@/db";
import { sessions, users } from "@/db/schema";
import { changePassword, verifyCredentials } from "@/lib/data/accounts";
import { AppError } from "@/lib/errors";
import { createTestAccount, TEST_PASSWORD } from "@/lib/testing/accounts";

import {
  createSession,
  endAccountSessions,
  endOwnSession,
  endSession,
  endUserSessions,
  findActiveSession,
  listUserSessions,
  purgeExpiredAuthRows,
} from "./sessions";

// auth() reads the cookie through next/headers; outside a Next.js request the test hands it one.
const request = vi.hoisted(() => ({ cookie: "" }));
vi.mock("next/headers", () => ({
  headers: async () =>
    new Headers({ host: "localhost", "x-forwarded-proto": "http", cookie: request.cookie }),
  cookies: async () => ({ get: () => undefined, set: () => {} }),
}));
const { auth } = await import(".");

// The cookie Auth.js sets at sign-in for this user and session (same secret, same salt).
async function sessionCookie(user: { id: string; accountId: string }, sid: string | undefined) {
  const name = "authjs.session-token";
  const token = await encode({
    token: { sub: user.id, uid: user.id, accountId: user.accountId, sid },
    secret: process.env.AUTH_SECRET!,
    salt: name,
  });
  return `${name}=${token}`;
}

const signIn = (user: { id: string; accountId: string }) =>
  createSession({ userId: user.id, accountId: user.accountId, userAgent: "vitest", ip: "127.0.0.1" });

describe("server-side sessions", () => {
  it("a session cookie opens nothing once its session was ended", async () => {
    const user = await createTestAccount("Cookie");
    const sid = await signIn(user);
    request.cookie = await sessionCookie(user, sid);
    expect(await auth()).toMatchObject({ sessionId: sid, user: { id: user.id, accountId: user.accountId } });

    await endSession(sid);
    expect(await auth()).toBeNull();
  });

  it("refuses a JWT without a session id (made before sessions had rows) or with a made-up one", async () => {
    const user = await createTestAccount("Old JWT");
    request.cookie = await sessionCookie(user, undefined);
    expect(await auth()).toBeNull();
    request.cookie = await sessionCookie(user, "00000000-0000-4000-8000-000000000000");
    expect(await auth()).toBeNull();
    request.cookie = await sessionCookie(user, "not a uuid");
    expect(await auth()).toBeNull();
  });

  it("takes the user and role from the database, not from the JWT", async () => {
    const user = await createTestAccount("Fresh");
    const sid = await signIn(user);
    await db().update(users).set({ name: "Renamed", role: "MEMBER" }).where(eq(users.id, user.id));
    expect(await findActiveSession(sid)).toEqual({
      sessionId: sid,
      userId: user.id,
      accountId: user.accountId,
      email: user.email,
      name: "Renamed",
      role: "MEMBER",
    });
  });

  it("an expired session is refused, and sign-ins remove expired rows", async () => {
    const user = await createTestAccount("Expired");
    const old = await signIn(user);
    await db()
      .update(sessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(sessions.id, old));
    expect(await findActiveSession(old)).toBeNull();
    expect(await listUserSessions(user.id)).toEqual([]);

    await signIn(user);
    expect(await db().select().from(sessions).where(eq(sessions.id, old))).toEqual([]);
  });

  it("purges expired rows in batches, never a live one", async () => {
    const user = await createTestAccount("Purge");
    const ids = await Promise.all([1, 2, 3].map(() => signIn(user)));
    await db()
      .update(sessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(inArray(sessions.id, ids.slice(0, 2)));
    await purgeExpiredAuthRows(1);
    await purgeExpiredAuthRows(1);
    const left = await db().select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, user.id));
    expect(left.map((r) => r.id)).toEqual([ids[2]]);
  });

  it("moves last_seen_at (and the expiry) at most every few minutes", async () => {
    const user = await createTestAccount("Touch");
    const sid = await signIn(user);
    const long = new Date(Date.now() - 10 * 60_000);
    await db()
      .update(sessions)
      .set({ lastSeenAt: long, expiresAt: new Date(Date.now() + 60_000) })
      .where(eq(sessions.id, sid));
    await findActiveSession(sid);
    const [row] = await db().select().from(sessions).where(eq(sessions.id, sid));
    expect(row!.lastSeenAt.getTime()).toBeGreaterThan(Date.now() - 5_000);
    expect(row!.expiresAt.getTime()).toBeGreaterThan(Date.now() + 29 * 24 * 3600_000);
  });

  it("a password change ends the user's other sessions and keeps this one", async () => {
    const user = await createTestAccount("Password");
    const here = await signIn(user);
    const elsewhere = await signIn(user);
    const colleague = await createTestAccount("Colleague");
    const theirs = await signIn(colleague);

    await expect(
      changePassword(user.id, {
        currentPassword: "wrong",
        newPassword: "a new password",
        keepSessionId: here,
      }),
    ).rejects.toEqual(
      new AppError("INVALID", "Your current password is not right", {
        currentPassword: ["This is not your current password"],
      }),
    );
    expect(await findActiveSession(elsewhere)).not.toBeNull();

    expect(
      await changePassword(user.id, {
        currentPassword: TEST_PASSWORD,
        newPassword: "a new password",
        keepSessionId: here,
      }),
    ).toEqual({ endedSessions: 1 });
    expect(await findActiveSession(here)).not.toBeNull();
    expect(await findActiveSession(elsewhere)).toBeNull();
    expect(await findActiveSession(theirs)).not.toBeNull();
    expect(await verifyCredentials(user.email, "a new password")).not.toBeNull();
    expect(await verifyCredentials(user.email, TEST_PASSWORD)).toBeNull();
  });

  it("ends all of a user's sessions (a reset)", async () => {
    const user = await createTestAccount("Reset");
    await signIn(user);
    await signIn(user);
    expect(await endUserSessions(user.id)).toBe(2);
    expect(await listUserSessions(user.id)).toEqual([]);
  });

  it("Sign out everywhere ends every session of every user of the account, and no other account's", async () => {
    const owner = await createTestAccount("Everywhere");
    const [member] = await db()
      .insert(users)
      .values({
        accountId: owner.accountId,
        name: "Member",
        email: `member-${owner.id}@example.test`,
        passwordHash: "x",
        role: "MEMBER",
      })
      .returning();
    const other = await createTestAccount("Bystander");
    const sids = [await signIn(owner), await signIn(member!), await signIn(member!)];
    const bystander = await signIn(other);

    expect(await endAccountSessions(owner.accountId)).toBe(3);
    for (const sid of sids) expect(await findActiveSession(sid)).toBeNull();
    expect(await findActiveSession(bystander)).not.toBeNull();
  });

  it("a user can sign out only their own sessions", async () => {
    const a = await createTestAccount("Own A");
    const b = await createTestAccount("Own B");
    const bSession = await signIn(b);
    expect(await endOwnSession(a.id, bSession)).toBe(false);
    expect(await findActiveSession(bSession)).not.toBeNull();
    expect(await endOwnSession(b.id, bSession)).toBe(true);
    expect(await findActiveSession(bSession)).toBeNull();
  });
});
