import type { Metadata } from "next";

import { isResetLinkValid } from "@/lib/auth/email-flows";

import { ExpiredLink } from "../expired-link";
import { linkToken } from "../link-token";
import { ResetPasswordForm } from "./reset-password-form";

export const metadata: Metadata = { title: "Choose a new password" };

// GET /reset-password?token= – the link in a "Forgot password?" email.
export default async function ResetPasswordPage({
  searchParams,
}: {
  searchParams: Promise<{ token?: string | string[] }>;
}) {
  const token = linkToken((await searchParams).token);
  if (!token || !(await isResetLinkValid(token)))
    return <ExpiredLink again="Ask for a new link" href="/forgot-password" />;
  return (
    <>
      <h1 className="mb-1 text-xl font-semibold">Choose a new password</h1>
      <p className="mb-5 text-sm text-slate-600">
        This signs you out on every device; you stay signed in here.
      </p>
      <ResetPasswordForm token={token} />
    </>
  );
}
