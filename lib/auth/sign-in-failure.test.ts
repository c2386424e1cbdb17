import { AccessDenied, CallbackRouteError, CredentialsSignin } from "@auth/core/errors";
import { describe, expect, it } from "vitest";

import { TooManySignIns } from ".";
import { SIGN_IN_UNAVAILABLE, signInFailure, WRONG_LOGIN } from "./sign-in-failure";

describe("sign-in failure messages", () => {
  it("says the email or password is wrong only when the credentials were refused", () => {
    expect(signInFailure(new CredentialsSignin())).toBe(WRONG_LOGIN);
  });

  it("says sign-in is unavailable when it failed on our side (the database is down)", () => {
    const down = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    // What Auth.js throws when authorize itself throws.
    expect(signInFailure(new CallbackRouteError(undefined, { cause: { err: down } }))).toBe(
      SIGN_IN_UNAVAILABLE,
    );
    expect(signInFailure(new AccessDenied("AccessDenied"))).toBe(SIGN_IN_UNAVAILABLE);
  });

  it("says when to try again after too many attempts", () => {
    expect(signInFailure(new TooManySignIns(42))).toMatch(/Too many sign-in attempts.*42 seconds/);
  });
});
