import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { redirect } from "next/navigation";
import { cache } from "react";

import { verifyCredentials } from "@/lib/data/accounts";
import { signInSchema } from "@/lib/validation/auth";

import { authConfig } from "./config";
import { clientAddress, signInThrottle } from "./throttle";

/** A sign-in refused by the throttle, before the password is checked. */
export class TooManySignIns extends CredentialsSignin {
  code = "rate_limited";
  constructor(readonly retryAfterSeconds: number) {
    super();
  }
}

export const { handlers, auth, signIn, signOut } = NextAuth({
  ...authConfig,
  providers: [
    Credentials({
      credentials: { email: { type: "email" }, password: { type: "password" } },
      // Every sign-in passes here — the sign-in form's action and direct POSTs to /api/auth alike.
      async authorize(raw, request) {
        const parsed = signInSchema.safeParse(raw);
        if (!parsed.success) return null;
        const decision = signInThrottle().take(parsed.data.email, clientAddress(request.headers));
        if (!decision.allowed) throw new TooManySignIns(decision.retryAfterSeconds);
        return verifyCredentials(parsed.data.email, parsed.data.password);
      },
    }),
  ],
});

export interface SessionContext {
  userId: string;
  accountId: string;
  email: string;
  name: string;
}

/** The signed-in user and account for server components and actions; sends anyone else to sign in. */
export const requireSession = cache(async (): Promise<SessionContext> => {
  const session = await auth();
  if (!session?.user?.accountId) redirect("/login");
  return {
    userId: session.user.id,
    accountId: session.user.accountId,
    email: session.user.email ?? "",
    name: session.user.name ?? "",
  };
});
