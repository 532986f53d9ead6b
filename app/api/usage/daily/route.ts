import { json, readQuery, sessionRoute } from "@/lib/http/handler";
import { usageFiltersSchema } from "@/lib/usage/filters";
import { dailyUsage } from "@/lib/usage/aggregates";
import { otherMethods } from "@/lib/http/fallback-routes";

export const dynamic = "force-dynamic";

// Same filters as GET /api/usage (cursor and limit are ignored): per UTC day × model.
export const GET = sessionRoute(async (req, { session }) => {
  const filters = readQuery(req, usageFiltersSchema);
  return json(await dailyUsage(session.accountId, filters), { headers: { "cache-control": "no-store" } });
});

export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);
