"use server";

import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { z } from "zod";

import { accountAction } from "@/lib/actions";
import { signOut } from "@/lib/auth";
import { endAccountSessions, endOwnSession } from "@/lib/auth/sessions";
import { clientAddress, signInThrottle, tooManyAttempts } from "@/lib/auth/throttle";
import { changePassword, setRetentionDays } from "@/lib/data/accounts";
import { createApiKey, revokeApiKey } from "@/lib/data/api-keys";
import { AppError, notFound } from "@/lib/errors";
import { apiKeyInputSchema } from "@/lib/validation/api-key";
import { changePasswordSchema } from "@/lib/validation/auth";
import { retentionSchema } from "@/lib/validation/retention";

export const createApiKeyAction = accountAction(apiKeyInputSchema, async ({ name }, { accountId }) => {
  const created = await createApiKey(accountId, name);
  revalidatePath("/settings");
  return { name: created.name, key: created.key };
});

export const revokeApiKeyAction = accountAction(z.object({ id: z.uuid() }), async ({ id }, { accountId }) => {
  await revokeApiKey(accountId, id);
  revalidatePath("/settings");
});

/** Settings → Security: a new password; the user's other sessions end, this one stays. */
export const changePasswordAction = accountAction(changePasswordSchema, async (input, session) => {
  // Checking the current password costs a hash and is a guess at it: the sign-in limits apply.
  const decision = await signInThrottle().take(session.email, clientAddress(await headers()));
  if (!decision.allowed) throw new AppError("RATE_LIMITED", tooManyAttempts(decision.retryAfterSeconds));
  const result = await changePassword(session.userId, {
    currentPassword: input.currentPassword,
    newPassword: input.newPassword,
    keepSessionId: session.sessionId,
  });
  revalidatePath("/settings");
  return result;
});

/** Signs out one of the user's other sessions (a row of "Where you are signed in"). */
export const endSessionAction = accountAction(z.object({ id: z.uuid() }), async ({ id }, session) => {
  if (id === session.sessionId)
    throw new AppError("INVALID", "This is the browser you are using: sign out with Sign out at the top");
  if (!(await endOwnSession(session.userId, id))) throw notFound("Session");
  revalidatePath("/settings");
});

/** The owner's "Sign out everywhere": every session of every user of the account ends, this one too. */
export const signOutEverywhereAction = accountAction(z.object({}), async (_input, session) => {
  if (session.role !== "OWNER")
    throw new AppError("FORBIDDEN", "Only the account's owner can sign everyone out");
  const ended = await endAccountSessions(session.accountId);
  // This browser's session row is gone with the others; clear its cookie too.
  await signOut({ redirect: false });
  return { ended };
});

/** Settings → Data retention (the account's owner only): how long finished data is kept. */
export const setRetentionAction = accountAction(retentionSchema, async ({ days }, session) => {
  if (session.role !== "OWNER") throw new AppError("FORBIDDEN", "Only the account's owner can change this");
  const saved = await setRetentionDays(session.accountId, days);
  revalidatePath("/settings");
  revalidatePath("/integrations");
  return { days: saved };
});
