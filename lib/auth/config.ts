import type { NextAuthConfig } from "next-auth";

import { describeError } from "@/lib/errors";

// Pages anyone may open; everything else needs a session.
const PUBLIC_PATHS = ["/login", "/signup", "/forgot-password", "/reset-password"];

/** A session lasts this long after it was last used; its row in `sessions` expires with it. */
export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

/**
 * The part of the Auth.js config that needs no database, shared by the proxy and the full setup.
 * The session is a JWT carrying the id of its row in `sessions` (and the user and account ids). The
 * proxy only reads the JWT — an optimistic check that sends visitors without one to sign in; the
 * real check, against the row, is `auth()` in lib/auth (pages, server actions and API routes).
 */
export const authConfig = {
  trustHost: true,
  pages: { signIn: "/login" },
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  providers: [],
  callbacks: {
    authorized({ auth, request }) {
      const path = request.nextUrl.pathname;
      // A signed-in user has nothing to do on these pages, but only the database can tell whether the
      // JWT's session still exists: the pages themselves send signed-in users on (else a revoked
      // session would bounce between /login and the app).
      if (PUBLIC_PATHS.some((p) => path === p || path.startsWith(`${p}/`))) return true;
      if (auth?.sessionId) return true;
      // Back to this page after signing in; a path only, which the sign-in action checks again.
      const signIn = new URL("/login", request.nextUrl);
      if (path !== "/") signIn.searchParams.set("callbackUrl", `${path}${request.nextUrl.search}`);
      return Response.redirect(signIn);
    },
    jwt({ token, user }) {
      if (user) {
        token.uid = user.id;
        token.accountId = user.accountId;
        token.sid = user.sessionId;
      }
      return token;
    },
    session({ session, token }) {
      session.user.id = token.uid as string;
      session.user.accountId = token.accountId as string;
      session.sessionId = token.sid as string | undefined;
      return session;
    },
  },
  logger: {
    // A wrong password is an expected outcome, not a server error worth a stack trace.
    error(error) {
      if (error.name === "CredentialsSignin" || (error as { type?: string }).type === "CredentialsSignin") {
        if ((error as { code?: string }).code === "rate_limited") console.warn("[auth] sign-in throttled");
        return;
      }
      // Auth.js wraps what authorize threw, whose message may carry SQL and its values.
      console.error(`[auth] ${describeError(error)}`);
    },
  },
} satisfies NextAuthConfig;

declare module "next-auth" {
  interface Session {
    user: { id: string; accountId: string; name?: string | null; email?: string | null };
    /** The id of the session's row in `sessions`; absent in JWTs made before sessions had rows. */
    sessionId?: string;
  }
  interface User {
    accountId?: string;
    sessionId?: string;
  }
}
