import { z } from "zod";

import { requireSession, type SessionContext } from "@/lib/auth";
import { AppError, describeError, toFieldErrors, type AppErrorCode, type FieldErrors } from "@/lib/errors";

/** A refusal: the message to show, the field errors of a form, and the AppError's code when it was one. */
export type ActionFailure = { ok: false; error: string; code?: AppErrorCode; fieldErrors?: FieldErrors };

export type ActionResult<T = undefined> = { ok: true; data: T } | ActionFailure;

/** Maps what an action threw into a result the form can show; unexpected errors stay on the server. */
export function failure(err: unknown): ActionFailure {
  if (err instanceof AppError) {
    return { ok: false, error: err.message, code: err.code, fieldErrors: err.fieldErrors };
  }
  if (err instanceof z.ZodError) {
    return { ok: false, error: "Some fields need attention", fieldErrors: toFieldErrors(err) };
  }
  console.error("[action] unexpected error", describeError(err));
  return { ok: false, error: "Something went wrong on our side. Nothing was saved; please try again." };
}

/**
 * Every signed-in server action goes through here: it loads the caller's account, parses the input
 * with the shared zod schema, and returns `{ ok, data }` or `{ ok: false, error, fieldErrors }`.
 */
export function accountAction<S extends z.ZodType, R>(
  schema: S,
  handler: (input: z.output<S>, session: SessionContext) => Promise<R>,
) {
  return async (input: z.input<S>): Promise<ActionResult<R>> => {
    const session = await requireSession();
    const parsed = schema.safeParse(input);
    if (!parsed.success) {
      return { ok: false, error: "Some fields need attention", fieldErrors: toFieldErrors(parsed.error) };
    }
    try {
      return { ok: true, data: await handler(parsed.data, session) };
    } catch (err) {
      return failure(err);
    }
  };
}
