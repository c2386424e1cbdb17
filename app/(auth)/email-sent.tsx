"use client";

import { MailCheck } from "lucide-react";
import type { ReactNode } from "react";

/**
 * What a sign-up or a reset request answers, whatever the address: where the email went, and a way
 * back for a mistyped address (the form again, as it was).
 */
export function EmailSent({
  email,
  children,
  onRetry,
}: {
  email: string;
  children: ReactNode;
  onRetry: () => void;
}) {
  return (
    <div role="status" className="flex flex-col gap-3 text-sm text-slate-700">
      <h2 className="flex items-center gap-2 text-base font-semibold text-slate-900">
        <MailCheck aria-hidden className="text-brand-600 size-5" /> Check your email
      </h2>
      <p>
        We sent an email to <strong className="font-medium break-all text-slate-900">{email}</strong>.{" "}
        {children}
      </p>
      <p className="text-slate-600">Nothing there after a few minutes? Look in your spam folder.</p>
      <p>
        Wrong address?{" "}
        <button type="button" className="text-brand-700 font-medium hover:underline" onClick={onRetry}>
          Start again
        </button>
      </p>
    </div>
  );
}
