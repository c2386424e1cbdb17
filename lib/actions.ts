import { unstable_rethrow } from "next/navigation";
import { z } from "zod";

import { requireSession, type SessionContext } from "@/lib/auth";
import {
  describeError,
  expectedError,
  toFieldErrors,
  type AppErrorCode,
  type FieldErrors,
} from "@/lib/errors";
import { unstorableText } from "@/lib/validation/text";

/** A refusal: the message to show, the field errors of a form, and the AppError's code when it was one. */
export type ActionFailure = { ok: false; error: string; code?: AppErrorCode; fieldErrors?: FieldErrors };

export type ActionResult<T = undefined> = { ok: true; data: T } | ActionFailure;

const fieldsNeedAttention = (fieldErrors: FieldErrors): ActionFailure => ({
  ok: false,
  error: "Some fields need attention",
  code: "INVALID",
  fieldErrors,
});

/** Maps what an action threw into a result the form can show; unexpected errors stay on the server. */
export function failure(err: unknown): ActionFailure {
  const expected = expectedError(err);
  if (expected) {
    return { ok: false, error: expected.message, code: expected.code, fieldErrors: expected.fieldErrors };
  }
  if (err instanceof z.ZodError) return fieldsNeedAttention(toFieldErrors(err));
  console.error("[action] unexpected error", describeError(err));
  return { ok: false, error: "Something went wrong on our side. Nothing was saved; please try again." };
}

interface ActionOptions {
  /**
   * The key of the input that holds a form's values (`{ id, values }`), so that field errors are named
   * as the form names its fields (Default: the input is the form's values).
   */
  formAt?: string;
}

/**
 * An action's input parsed with its shared zod schema, or the field errors to show — text PostgreSQL
 * cannot store (a NUL, a lone surrogate) included, under the field that held it.
 */
export function parseActionInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  { formAt }: ActionOptions = {},
): { ok: true; data: z.output<S> } | ActionFailure {
  const unstorable = unstorableText(input);
  if (unstorable) {
    const prefix = formAt ? `${formAt}.` : "";
    return fieldsNeedAttention(
      Object.fromEntries(
        Object.entries(unstorable).map(([key, messages]) => [
          key.startsWith(prefix) ? key.slice(prefix.length) : key,
          messages,
        ]),
      ),
    );
  }
  const parsed = schema.safeParse(input);
  return parsed.success ? { ok: true, data: parsed.data } : fieldsNeedAttention(toFieldErrors(parsed.error));
}

/**
 * Every signed-in server action goes through here: it loads the caller's account, parses the input
 * with the shared zod schema, and returns `{ ok, data }` or `{ ok: false, error, fieldErrors }`.
 */
export function accountAction<S extends z.ZodType, R>(
  schema: S,
  handler: (input: z.output<S>, session: SessionContext) => Promise<R>,
  options?: ActionOptions,
) {
  return async (input: z.input<S>): Promise<ActionResult<R>> => {
    try {
      const session = await requireSession();
      const parsed = parseActionInput(schema, input, options);
      if (!parsed.ok) return parsed;
      return { ok: true, data: await handler(parsed.data, session) };
    } catch (err) {
      // Next.js's redirect() and notFound() are thrown: they must reach the framework.
      unstable_rethrow(err);
      return failure(err);
    }
  };
}
