import { confirmSignUpSchema } from "@/lib/validation/auth";

/** The `token` of a link's query string when it is well-formed, else null (it names nothing then). */
export function linkToken(raw: string | string[] | undefined): string | null {
  const parsed = confirmSignUpSchema.shape.token.safeParse(raw);
  return parsed.success ? parsed.data : null;
}
