import type { NextAuthConfig } from "next-auth";

import { describeError } from "@/lib/errors";

// Pages anyone may open; everything else needs a session.
const PUBLIC_PATHS = ["/login", "/signup"];

/**
 * The part of the Auth.js config that needs no database, shared by the proxy and the full setup.
 * The session is a JWT carrying the user's id and account id.
 */
export const authConfig = {
  trustHost: true,
  pages: { signIn: "/login" },
  session: { strategy: "jwt" },
  providers: [],
  callbacks: {
    authorized({ auth, request }) {
      const path = request.nextUrl.pathname;
      const isPublic = PUBLIC_PATHS.some((p) => path === p || path.startsWith(`${p}/`));
      if (isPublic) {
        // A signed-in user has nothing to do on the sign-in pages.
        return auth?.user ? Response.redirect(new URL("/integrations", request.nextUrl)) : true;
      }
      if (auth?.user) return true;
      // Back to this page after signing in; a path only, which the sign-in action checks again.
      const signIn = new URL("/login", request.nextUrl);
      if (path !== "/") signIn.searchParams.set("callbackUrl", `${path}${request.nextUrl.search}`);
      return Response.redirect(signIn);
    },
    jwt({ token, user }) {
      if (user) {
        token.uid = user.id;
        token.accountId = (user as { accountId: string }).accountId;
      }
      return token;
    },
    session({ session, token }) {
      session.user.id = token.uid as string;
      session.user.accountId = token.accountId as string;
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
  }
}
