import "server-only";
import { cache } from "react";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { PATH_HEADER, signInRedirect } from "@/lib/http/next-path";
import { findSession, sessionToken, type SessionAccount } from "./session";

/**
 * The signed-in session of the request being rendered, or null. Cached per render (React
 * `cache`), so a layout and its page look it up once. Route handlers use lib/http/handler.ts.
 */
export const getSession = cache(async (): Promise<SessionAccount | null> => {
  return findSession(sessionToken((await headers()).get("cookie")));
});

/**
 * For dashboard pages: the session, or a redirect to the landing page to sign in and come back
 * (`/?next=<path>`; proxy.ts puts the asked-for path in PATH_HEADER).
 */
export async function requireSession(): Promise<SessionAccount> {
  const session = await getSession();
  if (!session) redirect(signInRedirect((await headers()).get(PATH_HEADER)));
  return session;
}
