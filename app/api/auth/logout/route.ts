import { clearedSessionCookie, deleteSession, readCookie, SESSION_COOKIE } from "@/lib/auth/session";
import { publicRoute } from "@/lib/http/handler";
import { otherMethods } from "@/lib/http/fallback-routes";

// Public so that signing out with an already expired session still clears the cookie.
export const POST = publicRoute(async (req) => {
  await deleteSession(readCookie(req.headers.get("cookie"), SESSION_COOKIE));
  return new Response(null, { status: 204, headers: { "set-cookie": clearedSessionCookie() } });
});

export const { GET, HEAD, PUT, PATCH, DELETE } = otherMethods(["POST"]);
