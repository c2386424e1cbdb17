import type { Metadata } from "next";

import { findPendingSignUp } from "@/lib/auth/email-flows";

import { ExpiredLink } from "../../expired-link";
import { linkToken } from "../../link-token";
import { ConfirmSignUpForm } from "./confirm-form";

export const metadata: Metadata = { title: "Finish creating your account" };

// GET /signup/confirm?token= – the link in a sign-up's email. Opening it creates nothing (mail scanners
// open links too): the account is created when its password is entered.
export default async function ConfirmSignUpPage({
  searchParams,
}: {
  searchParams: Promise<{ token?: string | string[] }>;
}) {
  const token = linkToken((await searchParams).token);
  const pending = token ? await findPendingSignUp(token) : null;
  if (!token || !pending) return <ExpiredLink again="Sign up again" href="/signup" />;
  return (
    <>
      <h1 className="mb-1 text-xl font-semibold">Finish creating your account</h1>
      <p className="mb-5 text-sm text-slate-600">
        <span className="font-medium break-all text-slate-900">{pending.email}</span>, owner of{" "}
        <span className="font-medium text-slate-900">{pending.accountName}</span>. Enter the password you
        chose when you signed up.
      </p>
      <ConfirmSignUpForm token={token} email={pending.email} />
    </>
  );
}
