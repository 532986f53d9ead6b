import { readQuery, respond, sessionRoute } from "@/lib/http/handler";
import { usageFiltersSchema } from "@/lib/usage/filters";
import { listUsage } from "@/lib/usage/queries";
import { UsagePageResponse } from "@/lib/usage/schemas";
import { otherMethods } from "@/lib/http/fallback-routes";

export const dynamic = "force-dynamic";

export const GET = sessionRoute(
  async (req, { session }) => {
    const filters = readQuery(req, usageFiltersSchema);
    return respond(UsagePageResponse, await listUsage(session.accountId, filters), {
      headers: { "cache-control": "no-store" },
    });
  },
  { auth: "session-or-management-key" },
);

export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);
