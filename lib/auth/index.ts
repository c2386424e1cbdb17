import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { redirect } from "next/navigation";
import { cache } from "react";

import { verifyCredentials } from "@/lib/data/accounts";
import { signInSchema } from "@/lib/validation/auth";

import { authConfig } from "./config";
import { createSession, endSession, findActiveSession } from "./sessions";
import { clientAddress, signInThrottle } from "./throttle";

/** A sign-in refused by the throttle, before the password is checked. */
export class TooManySignIns extends CredentialsSignin {
  code = "rate_limited";
  constructor(readonly retryAfterSeconds: number) {
    super();
  }
}

const nextAuth = NextAuth({
  ...authConfig,
  providers: [
    Credentials({
      credentials: { email: { type: "email" }, password: { type: "password" } },
      // Every sign-in passes here — the sign-in form's action and direct POSTs to /api/auth alike.
      async authorize(raw, request) {
        const parsed = signInSchema.safeParse(raw);
        if (!parsed.success) return null;
        const ip = clientAddress(request.headers);
        const decision = await signInThrottle().take(parsed.data.email, ip);
        if (!decision.allowed) throw new TooManySignIns(decision.retryAfterSeconds);
        const user = await verifyCredentials(parsed.data.email, parsed.data.password);
        if (!user) return null;
        const userAgent = request.headers.get("user-agent");
        return { ...user, sessionId: await createSession({ ...user, userId: user.id, userAgent, ip }) };
      },
    }),
  ],
  events: {
    // POST /api/auth/signout ends the row too (the portal's Sign out does it itself first).
    async signOut(message) {
      if ("token" in message) await endSession(message.token?.sid);
    },
  },
});

export const { handlers, signIn, signOut } = nextAuth;

/** A signed-in user as the database knows them now, with the session's id. */
export interface VerifiedSession {
  sessionId: string;
  user: { id: string; accountId: string; email: string; name: string; role: "OWNER" | "MEMBER" };
}

/**
 * The caller's session: the JWT in the cookie, checked against its row in `sessions` — null when
 * there is none, or when it was ended (sign-out, password change or reset, "Sign out everywhere") or
 * expired. Pages, server actions and API routes all read the session through here; once per request.
 * A database error is thrown, not taken for "signed out".
 */
export const auth = cache(async (): Promise<VerifiedSession | null> => {
  const jwt = await nextAuth.auth();
  if (!jwt?.sessionId) return null;
  const row = await findActiveSession(jwt.sessionId);
  if (!row) return null;
  const { sessionId, userId, ...user } = row;
  return { sessionId, user: { id: userId, ...user } };
});

export interface SessionContext {
  userId: string;
  accountId: string;
  email: string;
  name: string;
  role: "OWNER" | "MEMBER";
  sessionId: string;
}

/** The signed-in user and account for server components and actions; sends anyone else to sign in. */
export const requireSession = cache(async (): Promise<SessionContext> => {
  const session = await auth();
  if (!session) redirect("/login");
  const { id, accountId, email, name, role } = session.user;
  return { userId: id, accountId, email, name, role, sessionId: session.sessionId };
});
