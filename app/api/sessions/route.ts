import { listSessions } from "@/lib/activity/sessions";
import { SessionListResponse } from "@/lib/activity/schemas";
import { respond, sessionRoute } from "@/lib/http/handler";
import { otherMethods } from "@/lib/http/fallback-routes";

export const GET = sessionRoute(async (_req, { session }) => {
  return respond(
    SessionListResponse,
    { sessions: await listSessions(session.accountId, session.tokenHash) },
    { headers: { "cache-control": "no-store" } },
  );
});

export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);
