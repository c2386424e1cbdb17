// Property-based fuzzing of the sign-up action (app/(auth)/actions.ts), called in-process against the
// real database. Properties as for the portal's actions (app/(app)/actions-fuzz.test.ts): a refusal names
// the field, never the generic "Something went wrong on our side", and creates no user.
import { randomUUID } from "node:crypto";

import { count, eq } from "drizzle-orm";
import fc from "fast-check";
import { describe, it, vi } from "vitest";

import { db } from "@/db";
import type * as Throttle from "@/lib/auth/throttle";
import { users } from "@/db/schema";
import {
  callAction,
  expectClearActionAnswer,
  expectFieldRefusal,
  fuzzRuns,
  oversizedText,
  show,
  unstorableText,
  withField,
  withLoneSurrogate,
  withNul,
  wrongActionType,
  type ActionAnswer,
} from "@/lib/testing/fuzz";

import { signUpAction } from "./actions";

// Signing in after sign-up needs a Next.js request; the account is made before it, which is what counts.
vi.mock("@/lib/auth", () => ({
  auth: async () => null,
  signIn: async () => undefined,
  signOut: async () => undefined,
}));
vi.mock("next/headers", () => ({
  headers: async () => new Headers({ "x-forwarded-for": `198.51.100.${Math.floor(Math.random() * 250)}` }),
}));
// The throttle is tested on its own (lib/auth/throttle.test.ts); here it would answer before validation.
vi.mock("@/lib/auth/throttle", async (importOriginal) => ({
  ...(await importOriginal<typeof Throttle>()),
  signInThrottle: () => ({ take: () => ({ allowed: true, retryAfterSeconds: 0 }) }),
}));

const FIELDS = ["name", "accountName", "email", "password"] as const;
const valid = () => ({
  name: "Ada Lovelace",
  accountName: "Analytical Engines",
  email: `fuzz-${randomUUID().slice(0, 8)}@example.test`,
  password: "correct horse battery",
});

const usersWith = async (email: unknown) => {
  if (typeof email !== "string" || !email.isWellFormed() || email.includes("\u0000")) return 0;
  const [row] = await db()
    .select({ n: count() })
    .from(users)
    .where(eq(users.email, email.trim().toLowerCase()));
  return row!.n;
};

const CLASSES = [
  { klass: "a NUL byte", values: withNul, mayAccept: true },
  { klass: "a lone UTF-16 surrogate", values: withLoneSurrogate, mayAccept: true },
  {
    klass: "a value of the wrong type",
    values: wrongActionType.filter((v) => v !== undefined),
    mayAccept: false,
  },
  { klass: "oversized text", values: oversizedText, mayAccept: false },
] as const;

describe("signUpAction", () => {
  for (const { klass, values, mayAccept } of CLASSES) {
    it(`${klass} in one field: a field error on it${mayAccept ? " (or accepted)" : ""}, never the generic error; no user created`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...FIELDS), values, async (field, value) => {
          const input = withField(valid(), field, value);
          const answer = await callAction(() => signUpAction(input));
          const context = `signUpAction(${field} = ${show(value)})`;
          // An email is never stored altered: a NUL or a surrogate in it is refused.
          expectFieldRefusal(answer, field, context, { mayAccept: mayAccept && field !== "email" });
          if (!(answer as ActionAnswer).ok && (await usersWith(input.email)) !== 0)
            throw new Error(`${context}: refused, but the user was created`);
        }),
        fuzzRuns(30),
      );
    });
  }

  it("anything at all as the whole input: a clear answer, never a throw or the generic error", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(wrongActionType, unstorableText), async (input) => {
        expectClearActionAnswer(
          await callAction(() => signUpAction(input as never)),
          `signUpAction(${show(input)})`,
        );
      }),
      fuzzRuns(15),
    );
  });
});
