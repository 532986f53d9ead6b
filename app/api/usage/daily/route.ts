import { readQuery, respond, sessionRoute } from "@/lib/http/handler";
import { usageFiltersSchema } from "@/lib/usage/filters";
import { dailyUsage } from "@/lib/usage/aggregates";
import { DailyUsageResponse } from "@/lib/usage/schemas";
import { otherMethods } from "@/lib/http/fallback-routes";

export const dynamic = "force-dynamic";

// Same filters as GET /api/usage (cursor and limit are ignored): per UTC day × model.
export const GET = sessionRoute(
  async (req, { session }) => {
    const filters = readQuery(req, usageFiltersSchema);
    return respond(DailyUsageResponse, await dailyUsage(session.accountId, filters), {
      headers: { "cache-control": "no-store" },
    });
  },
  { auth: "session-or-management-key" },
);

export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);
