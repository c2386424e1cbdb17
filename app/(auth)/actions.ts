"use server";

import { AuthError } from "next-auth";
import type { z } from "zod";
import { headers } from "next/headers";

import { failure, parseActionInput, type ActionFailure, type ActionResult } from "@/lib/actions";
import { auth, signIn, signOut } from "@/lib/auth";
import { safeCallbackPath } from "@/lib/auth/callback-url";
import { confirmSignUp, requestPasswordReset, requestSignUp, resetPassword } from "@/lib/auth/email-flows";
import { endSession } from "@/lib/auth/sessions";
import { signInFailure } from "@/lib/auth/sign-in-failure";
import {
  clientAddress,
  mailThrottle,
  signInThrottle,
  tooManyAttempts,
  tooManyRequests,
  type AttemptThrottle,
} from "@/lib/auth/throttle";
import { describeError } from "@/lib/errors";
import { canSendMail, isMailNotSent, isMailUnavailable } from "@/lib/mail";
import {
  confirmSignUpSchema,
  forgotPasswordSchema,
  resetPasswordSchema,
  signInSchema,
  signUpSchema,
  type ConfirmSignUpInput,
  type ForgotPasswordInput,
  type ResetPasswordInput,
  type SignInInput,
  type SignUpInput,
} from "@/lib/validation/auth";

const MAIL_UNAVAILABLE =
  "This server cannot send email (it has no SMTP_URL), so it cannot create accounts or reset passwords. Ask whoever runs it.";
const MAIL_NOT_SENT = "We could not send the email just now. Nothing was lost; try again in a few minutes.";

/** What a form says when sending its email failed, or the usual mapping. */
function mailFailure(err: unknown): ActionFailure {
  if (isMailUnavailable(err)) return { ok: false, error: MAIL_UNAVAILABLE };
  if (isMailNotSent(err)) {
    console.error("[mail] not sent", describeError((err as Error).cause));
    return { ok: false, error: MAIL_NOT_SENT };
  }
  return failure(err);
}

/** Counts one attempt against `throttle`; the refusal to show, or null when allowed. */
async function throttled(throttle: AttemptThrottle, key: string, message: (s: number) => string) {
  const decision = await throttle.take(key, clientAddress(await headers()));
  return decision.allowed ? null : ({ ok: false, error: message(decision.retryAfterSeconds) } as const);
}

/** Signs in after a sign-up or a reset; throws Next's redirect to the portal on success. */
async function signInNow(email: string, password: string, done: string): Promise<ActionResult> {
  try {
    await signIn("credentials", { email, password, redirectTo: "/integrations" });
  } catch (err) {
    if (!(err instanceof AuthError)) throw err;
    console.error("[auth] sign-in after sign-up or reset failed", describeError(err));
    return { ok: false, error: `${done} ${signInFailure(err)}` };
  }
  return { ok: true, data: undefined };
}

export async function signInAction(input: SignInInput, callbackUrl?: string): Promise<ActionResult> {
  const parsed = parseActionInput(signInSchema, input);
  if (!parsed.ok) return parsed;
  try {
    // On success this throws Next's redirect, which must propagate.
    await signIn("credentials", { ...parsed.data, redirectTo: safeCallbackPath(callbackUrl) });
  } catch (err) {
    if (err instanceof AuthError) return { ok: false, error: signInFailure(err) };
    throw err;
  }
  return { ok: true, data: undefined };
}

// Sign-up and "Forgot password?" take an address and send it an email: the same answer for every address
// (see lib/auth/email-flows.ts); they return the address the email went to.
async function sendsEmail<T extends { email: string }>(
  schema: z.ZodType<T>,
  input: unknown,
  send: (data: T) => Promise<unknown>,
): Promise<ActionResult<{ email: string }>> {
  const parsed = parseActionInput(schema, input);
  if (!parsed.ok) return parsed;
  if (!canSendMail()) return { ok: false, error: MAIL_UNAVAILABLE };
  const refused = await throttled(mailThrottle(), parsed.data.email, tooManyRequests);
  if (refused) return refused;
  try {
    await send(parsed.data);
  } catch (err) {
    return mailFailure(err);
  }
  return { ok: true, data: { email: parsed.data.email } };
}

// The links in those emails: a token and a password, checked like a sign-in, then signed in here.
async function redeemsLink<T extends { token: string; password: string }>(
  schema: z.ZodType<T>,
  input: unknown,
  redeem: (token: string, password: string) => Promise<{ email: string }>,
  done: string,
): Promise<ActionResult> {
  const parsed = parseActionInput(schema, input);
  if (!parsed.ok) return parsed;
  const refused = await throttled(signInThrottle(), parsed.data.token, tooManyAttempts);
  if (refused) return refused;
  let email: string;
  try {
    ({ email } = await redeem(parsed.data.token, parsed.data.password));
  } catch (err) {
    return failure(err);
  }
  return signInNow(email, parsed.data.password, done);
}

/** Sign-up: the same answer for every address; the email says what is true. */
export async function signUpAction(input: SignUpInput): Promise<ActionResult<{ email: string }>> {
  return sendsEmail(signUpSchema, input, requestSignUp);
}

/** The sign-up's link: creates the account (with the password chosen at sign-up) and signs in. */
export async function confirmSignUpAction(input: ConfirmSignUpInput): Promise<ActionResult> {
  return redeemsLink(confirmSignUpSchema, input, confirmSignUp, "Your account was created.");
}

/** "Forgot password?": the same answer for every address; the email says what is true. */
export async function forgotPasswordAction(
  input: ForgotPasswordInput,
): Promise<ActionResult<{ email: string }>> {
  return sendsEmail(forgotPasswordSchema, input, ({ email }) => requestPasswordReset(email));
}

/** The reset link: sets the new password, ends every session of the user, and signs in here. */
export async function resetPasswordAction(input: ResetPasswordInput): Promise<ActionResult> {
  return redeemsLink(resetPasswordSchema, input, resetPassword, "Your password was changed.");
}

/** Ends this browser's session on the server (its row), then clears the cookie. */
export async function signOutAction() {
  const session = await auth();
  if (session) await endSession(session.sessionId);
  await signOut({ redirectTo: "/login" });
}
