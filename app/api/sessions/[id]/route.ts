import { endSession } from "@/lib/activity/sessions";
import { sessionRoute } from "@/lib/http/handler";
import { otherMethods } from "@/lib/http/fallback-routes";
import { requestOrigin } from "@/lib/http/origin";

export const DELETE = sessionRoute(async (req, { session, param }) => {
  await endSession(session.accountId, param("id"), requestOrigin(req));
  return new Response(null, { status: 204, headers: { "cache-control": "no-store" } });
});

export const { GET, HEAD, POST, PUT, PATCH } = otherMethods(["DELETE"]);
