"use client";

import { useActionForm } from "@/components/forms/use-action-form";
import { Button } from "@/components/ui/button";
import { Field, FormMessage } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { confirmSignUpSchema } from "@/lib/validation/auth";

import { confirmSignUpAction } from "../../actions";

export function ConfirmSignUpForm({ token, email }: { token: string; email: string }) {
  const { form, submit, formError } = useActionForm(confirmSignUpSchema, confirmSignUpAction, {
    defaultValues: { token, password: "" },
  });
  const { errors, isSubmitting } = form.formState;
  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-4">
      {formError && <FormMessage>{formError}</FormMessage>}
      {/* For password managers: the account this password belongs to. */}
      <input type="email" name="username" autoComplete="username" value={email} readOnly hidden />
      <Field label="Password" error={errors.password?.message}>
        <Input type="password" autoComplete="current-password" {...form.register("password")} />
      </Field>
      <Button type="submit" disabled={isSubmitting} className="justify-center">
        {isSubmitting ? "Creating account…" : "Create account"}
      </Button>
    </form>
  );
}
