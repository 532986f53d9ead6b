import { endOtherSessions } from "@/lib/activity/sessions";
import { RevokeOthersResponse } from "@/lib/activity/schemas";
import { respond, sessionRoute } from "@/lib/http/handler";
import { otherMethods } from "@/lib/http/fallback-routes";
import { requestOrigin } from "@/lib/http/origin";

export const POST = sessionRoute(async (req, { session }) => {
  const ended = await endOtherSessions(session.accountId, session.tokenHash, requestOrigin(req));
  return respond(RevokeOthersResponse, { ended }, { headers: { "cache-control": "no-store" } });
});

export const { GET, HEAD, PUT, PATCH, DELETE } = otherMethods(["POST"]);
