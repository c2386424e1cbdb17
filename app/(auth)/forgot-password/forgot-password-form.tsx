"use client";

import { useState } from "react";

import { useActionForm } from "@/components/forms/use-action-form";
import { Button } from "@/components/ui/button";
import { Field, FormMessage } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { forgotPasswordSchema } from "@/lib/validation/auth";

import { forgotPasswordAction } from "../actions";
import { EmailSent } from "../email-sent";

export function ForgotPasswordForm() {
  const [sentTo, setSentTo] = useState<string | null>(null);
  const { form, submit, formError } = useActionForm(forgotPasswordSchema, forgotPasswordAction, {
    defaultValues: { email: "" },
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
        It says what to do next; a link to choose a new password works for an hour.
      </EmailSent>
    );
  }
  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-4">
      {formError && <FormMessage>{formError}</FormMessage>}
      <Field label="Email" error={errors.email?.message}>
        <Input type="email" autoComplete="email" {...form.register("email")} />
      </Field>
      <Button type="submit" disabled={isSubmitting} className="justify-center">
        {isSubmitting ? "Sending…" : "Send the link"}
      </Button>
    </form>
  );
}
