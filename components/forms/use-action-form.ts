"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm, type DefaultValues, type FieldValues, type Mode, type Path } from "react-hook-form";
import type { z } from "zod";

import type { ActionResult } from "@/lib/actions";

interface Options<Input extends FieldValues, R> {
  defaultValues: DefaultValues<Input>;
  onSuccess?: (data: R, values: Input) => void;
  /**
   * When fields are first checked (Default: "onTouched"). Forms with field arrays use "onSubmit": RHF
   * checks a whole array after each Add/Delete otherwise, flagging rows the user has not typed in yet.
   * After a submit, fields are checked again on every change either way.
   */
  mode?: Mode;
}

/**
 * react-hook-form checked by the shared zod schema on the client, submitted to a server action that
 * checks it again. Server field errors land on their fields; anything else becomes `formError`.
 * The form keeps every value when the server refuses.
 */
export function useActionForm<S extends z.ZodType<unknown, FieldValues>, R>(
  schema: S,
  action: (input: z.input<S>) => Promise<ActionResult<R>>,
  { defaultValues, onSuccess, mode = "onTouched" }: Options<z.input<S>, R>,
) {
  type Input = z.input<S>;
  const form = useForm<Input, unknown, Input>({
    // raw: the action gets what the user typed and parses it itself, with the same schema.
    resolver: zodResolver(schema, undefined, { raw: true }),
    defaultValues,
    mode,
  });
  const [formError, setFormError] = useState<string | null>(null);

  const submit = form.handleSubmit(async (values) => {
    setFormError(null);
    let result: ActionResult<R>;
    try {
      result = await action(values);
    } catch {
      setFormError("Could not reach the server. Nothing was lost: check your connection and try again.");
      return;
    }
    if (result.ok) {
      onSuccess?.(result.data, values);
      return;
    }
    let placed = false;
    for (const [name, messages] of Object.entries(result.fieldErrors ?? {})) {
      if (name in values || name.includes(".")) {
        form.setError(
          name as Path<Input>,
          { type: "server", message: messages[0] },
          { shouldFocus: !placed },
        );
        placed = true;
      }
    }
    if (!placed) setFormError(result.error);
  });

  return { form, submit, formError, setFormError };
}
