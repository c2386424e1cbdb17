import type { Metadata } from "next";
import Link from "next/link";

import { ForgotPasswordForm } from "./forgot-password-form";

export const metadata: Metadata = { title: "Forgot password" };

export default function ForgotPasswordPage() {
  return (
    <>
      <h1 className="mb-1 text-xl font-semibold">Forgot your password?</h1>
      <p className="mb-5 text-sm text-slate-600">
        Enter the email you sign in with. We send it a link to choose a new password.
      </p>
      <ForgotPasswordForm />
      <p className="mt-5 text-center text-sm text-slate-600">
        Remembered it?{" "}
        <Link href="/login" className="text-brand-700 font-medium hover:underline">
          Sign in
        </Link>
      </p>
    </>
  );
}
