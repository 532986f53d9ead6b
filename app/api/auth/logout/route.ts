import { clearedSessionCookies, deleteSession, sessionTokens } from "@/lib/auth/session";
import { publicRoute } from "@/lib/http/handler";
import { otherMethods } from "@/lib/http/fallback-routes";
import { requestOrigin } from "@/lib/http/origin";

// Public so that signing out with an already expired session still clears the cookie. Every
// session the request carries ends: with two (one planted), signing out repairs the browser.
export const POST = publicRoute(async (req) => {
  for (const token of sessionTokens(req.headers.get("cookie"))) await deleteSession(token, requestOrigin(req));
  const headers = new Headers();
  for (const c of clearedSessionCookies()) headers.append("set-cookie", c);
  return new Response(null, { status: 204, headers });
});

export const { GET, HEAD, PUT, PATCH, DELETE } = otherMethods(["POST"]);
