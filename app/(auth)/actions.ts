"use server";

import { AuthError } from "next-auth";
import { headers } from "next/headers";

import { failure, type ActionResult } from "@/lib/actions";
import { auth, signIn, signOut } from "@/lib/auth";
import { safeCallbackPath } from "@/lib/auth/callback-url";
import { endSession } from "@/lib/auth/sessions";
import { signInFailure } from "@/lib/auth/sign-in-failure";
import { clientAddress, signInThrottle, tooManyAttempts } from "@/lib/auth/throttle";
import { createAccountWithOwner } from "@/lib/data/accounts";
import { describeError, toFieldErrors } from "@/lib/errors";
import { signInSchema, signUpSchema, type SignInInput, type SignUpInput } from "@/lib/validation/auth";

export async function signInAction(input: SignInInput, callbackUrl?: string): Promise<ActionResult> {
  const parsed = signInSchema.safeParse(input);
  if (!parsed.success)
    return { ok: false, error: "Some fields need attention", fieldErrors: toFieldErrors(parsed.error) };
  try {
    // On success this throws Next's redirect, which must propagate.
    await signIn("credentials", { ...parsed.data, redirectTo: safeCallbackPath(callbackUrl) });
  } catch (err) {
    if (err instanceof AuthError) return { ok: false, error: signInFailure(err) };
    throw err;
  }
  return { ok: true, data: undefined };
}

export async function signUpAction(input: SignUpInput): Promise<ActionResult> {
  const parsed = signUpSchema.safeParse(input);
  if (!parsed.success)
    return { ok: false, error: "Some fields need attention", fieldErrors: toFieldErrors(parsed.error) };
  // Hashing the new password is as costly as checking one: the same limits apply.
  const decision = signInThrottle().take(parsed.data.email, clientAddress(await headers()));
  if (!decision.allowed) return { ok: false, error: tooManyAttempts(decision.retryAfterSeconds) };
  try {
    await createAccountWithOwner(parsed.data);
  } catch (err) {
    return failure(err);
  }
  try {
    await signIn("credentials", {
      email: parsed.data.email,
      password: parsed.data.password,
      redirectTo: "/integrations",
    });
  } catch (err) {
    if (!(err instanceof AuthError)) throw err;
    console.error("[auth] sign-in after sign-up failed", describeError(err));
    return { ok: false, error: `Your account was created. ${signInFailure(err)}` };
  }
  return { ok: true, data: undefined };
}

/** Ends this browser's session on the server (its row), then clears the cookie. */
export async function signOutAction() {
  const session = await auth();
  if (session) await endSession(session.sessionId);
  await signOut({ redirectTo: "/login" });
}
