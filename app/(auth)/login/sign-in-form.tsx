"use client";

import Link from "next/link";

import { useActionForm } from "@/components/forms/use-action-form";
import { Button } from "@/components/ui/button";
import { Field, FormMessage } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { signInSchema } from "@/lib/validation/auth";

import { signInAction } from "../actions";

/** `callbackUrl`: the page that sent the user here; the action goes there only if it is a path on this site. */
export function SignInForm({ callbackUrl }: { callbackUrl?: string }) {
  const { form, submit, formError } = useActionForm(
    signInSchema,
    (values) => signInAction(values, callbackUrl),
    { defaultValues: { email: "", password: "" } },
  );
  const { errors, isSubmitting } = form.formState;
  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-4">
      {formError && <FormMessage>{formError}</FormMessage>}
      <Field label="Email" error={errors.email?.message}>
        <Input type="email" autoComplete="email" {...form.register("email")} />
      </Field>
      <Field label="Password" error={errors.password?.message}>
        <Input type="password" autoComplete="current-password" {...form.register("password")} />
      </Field>
      <Link
        href="/forgot-password"
        className="text-brand-700 -mt-2 self-end text-sm font-medium hover:underline"
      >
        Forgot password?
      </Link>
      <Button type="submit" disabled={isSubmitting} className="justify-center">
        {isSubmitting ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}
