"use server";

import { AuthError } from "next-auth";

import { failure, type ActionResult } from "@/lib/actions";
import { toFieldErrors } from "@/lib/errors";
import { signIn, signOut } from "@/lib/auth";
import { createAccountWithOwner } from "@/lib/data/accounts";
import { signInSchema, signUpSchema, type SignInInput, type SignUpInput } from "@/lib/validation/auth";

const WRONG_LOGIN = "Wrong email or password.";

export async function signInAction(input: SignInInput): Promise<ActionResult> {
  const parsed = signInSchema.safeParse(input);
  if (!parsed.success)
    return { ok: false, error: "Some fields need attention", fieldErrors: toFieldErrors(parsed.error) };
  try {
    // On success this throws Next's redirect, which must propagate.
    await signIn("credentials", { ...parsed.data, redirectTo: "/integrations" });
  } catch (err) {
    if (err instanceof AuthError) return { ok: false, error: WRONG_LOGIN };
    throw err;
  }
  return { ok: true, data: undefined };
}

export async function signUpAction(input: SignUpInput): Promise<ActionResult> {
  const parsed = signUpSchema.safeParse(input);
  if (!parsed.success)
    return { ok: false, error: "Some fields need attention", fieldErrors: toFieldErrors(parsed.error) };
  try {
    await createAccountWithOwner(parsed.data);
  } catch (err) {
    return failure(err);
  }
  await signIn("credentials", {
    email: parsed.data.email,
    password: parsed.data.password,
    redirectTo: "/integrations",
  });
  return { ok: true, data: undefined };
}

export async function signOutAction() {
  await signOut({ redirectTo: "/login" });
}
