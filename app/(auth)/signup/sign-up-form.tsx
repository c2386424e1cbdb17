"use client";

import { useState } from "react";

import { useActionForm } from "@/components/forms/use-action-form";
import { Button } from "@/components/ui/button";
import { Field, FormMessage } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { signUpSchema } from "@/lib/validation/auth";

import { signUpAction } from "../actions";
import { EmailSent } from "../email-sent";

export function SignUpForm() {
  const [sentTo, setSentTo] = useState<string | null>(null);
  const { form, submit, formError } = useActionForm(signUpSchema, signUpAction, {
    defaultValues: { name: "", accountName: "", email: "", password: "" },
    onSuccess: ({ email }) => setSentTo(email),
  });
  const { errors, isSubmitting } = form.formState;
  if (sentTo) {
    return (
      <EmailSent
        email={sentTo}
        onRetry={() => {
          setSentTo(null);
          setTimeout(() => form.setFocus("email"));
        }}
      >
        Open the link in it within 24 hours to finish creating your account.
      </EmailSent>
    );
  }
  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-4">
      {formError && <FormMessage>{formError}</FormMessage>}
      <Field label="Your name" error={errors.name?.message}>
        <Input autoComplete="name" {...form.register("name")} />
      </Field>
      <Field label="Account name" hint="Your company or team." error={errors.accountName?.message}>
        <Input autoComplete="organization" {...form.register("accountName")} />
      </Field>
      <Field
        label="Email"
        hint="We send a link there to finish creating the account."
        error={errors.email?.message}
      >
        <Input type="email" autoComplete="email" {...form.register("email")} />
      </Field>
      <Field label="Password" hint="At least 8 characters." error={errors.password?.message}>
        <Input type="password" autoComplete="new-password" {...form.register("password")} />
      </Field>
      <Button type="submit" disabled={isSubmitting} className="justify-center">
        {isSubmitting ? "Creating account…" : "Create account"}
      </Button>
    </form>
  );
}
