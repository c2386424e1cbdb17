import { describe, expect, it, vi } from "vitest";

import { db } from "@/db";
import { users } from "@/db/schema";
import type { SessionContext } from "@/lib/auth";
import { createSession, findActiveSession } from "@/lib/auth/sessions";
import { createTestAccount } from "@/lib/testing/accounts";

// The signed-in caller of each action, without a Next.js request around the test.
const caller = vi.hoisted(() => ({ session: null as unknown as SessionContext }));
vi.mock("@/lib/auth", () => ({
  requireSession: async () => caller.session,
  signOut: async () => undefined,
}));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));
vi.mock("next/headers", () => ({ headers: async () => new Headers({ "x-forwarded-for": "127.0.0.1" }) }));

const { endSessionAction, signOutEverywhereAction } = await import("./actions");

/** A user of `accountId` with `role`, signed in (a session row); the action's caller when `as` is called. */
async function signedIn(
  user: { id: string; accountId: string; email: string; name: string },
  role: "OWNER" | "MEMBER",
) {
  const sessionId = await createSession({ userId: user.id, accountId: user.accountId });
  return {
    sessionId,
    as: () =>
      (caller.session = {
        userId: user.id,
        accountId: user.accountId,
        email: user.email,
        name: user.name,
        role,
        sessionId,
      }),
  };
}

async function memberOf(accountId: string) {
  const [member] = await db()
    .insert(users)
    .values({
      accountId,
      name: "Member",
      email: `member-${crypto.randomUUID()}@example.test`,
      passwordHash: "x",
      role: "MEMBER",
    })
    .returning();
  return member!;
}

describe("Settings → Security actions", () => {
  it("only the owner can sign everyone out, and only the sessions of their own account end", async () => {
    const owner = await createTestAccount("Owner");
    const ownerSession = await signedIn(owner, "OWNER");
    const memberSession = await signedIn(await memberOf(owner.accountId), "MEMBER");
    const bystander = await signedIn(await createTestAccount("Bystander"), "OWNER");

    memberSession.as();
    expect(await signOutEverywhereAction({})).toEqual({
      ok: false,
      error: "Only the account's owner can sign everyone out",
      code: "FORBIDDEN",
    });
    expect(await findActiveSession(ownerSession.sessionId)).not.toBeNull();

    ownerSession.as();
    expect(await signOutEverywhereAction({})).toEqual({ ok: true, data: { ended: 2 } });
    expect(await findActiveSession(ownerSession.sessionId)).toBeNull();
    expect(await findActiveSession(memberSession.sessionId)).toBeNull();
    expect(await findActiveSession(bystander.sessionId)).not.toBeNull();
  });

  it("a user cannot end another account's session, nor another user's, by its id", async () => {
    const a = await createTestAccount("Ends A");
    const aSession = await signedIn(a, "OWNER");
    const colleague = await signedIn(await memberOf(a.accountId), "MEMBER");
    const b = await signedIn(await createTestAccount("Ends B"), "OWNER");

    aSession.as();
    for (const other of [b, colleague]) {
      expect(await endSessionAction({ id: other.sessionId })).toEqual({
        ok: false,
        error: "Session not found",
        code: "NOT_FOUND",
      });
      expect(await findActiveSession(other.sessionId)).not.toBeNull();
    }
    expect(await endSessionAction({ id: aSession.sessionId })).toMatchObject({ ok: false, code: "INVALID" });

    const laptop = await createSession({ userId: a.id, accountId: a.accountId });
    expect(await endSessionAction({ id: laptop })).toEqual({ ok: true, data: undefined });
    expect(await findActiveSession(laptop)).toBeNull();
  });
});
