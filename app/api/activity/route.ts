import { listActivity } from "@/lib/activity/events";
import { ActivityPageResponse, ActivityQuery } from "@/lib/activity/schemas";
import { readQuery, respond, sessionRoute } from "@/lib/http/handler";
import { otherMethods } from "@/lib/http/fallback-routes";

export const GET = sessionRoute(async (req, { session }) => {
  const q = readQuery(req, ActivityQuery);
  return respond(ActivityPageResponse, await listActivity(session.accountId, q), {
    headers: { "cache-control": "no-store" },
  });
});

export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);
