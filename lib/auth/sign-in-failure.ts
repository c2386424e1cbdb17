import { CredentialsSignin, type AuthError } from "next-auth";

import { tooManyAttempts } from "./throttle";

export const WRONG_LOGIN = "Wrong email or password.";
export const SIGN_IN_UNAVAILABLE = "Sign-in is unavailable right now; try again.";

/**
 * What the sign-in form says for what signIn threw. Only refused credentials are "wrong"; anything else
 * (the database is down: a CallbackRouteError) is not the user's mistake.
 */
export function signInFailure(err: AuthError): string {
  if (err instanceof CredentialsSignin || err.type === "CredentialsSignin") {
    const { code, retryAfterSeconds } = err as CredentialsSignin & { retryAfterSeconds?: number };
    return code === "rate_limited" ? tooManyAttempts(retryAfterSeconds ?? 60) : WRONG_LOGIN;
  }
  return SIGN_IN_UNAVAILABLE;
}
