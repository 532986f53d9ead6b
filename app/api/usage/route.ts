import { json, readQuery, sessionRoute } from "@/lib/http/handler";
import { usageFiltersSchema } from "@/lib/usage/filters";
import { listUsage } from "@/lib/usage/queries";
import { otherMethods } from "@/lib/http/fallback-routes";

export const dynamic = "force-dynamic";

export const GET = sessionRoute(async (req, { session }) => {
  const filters = readQuery(req, usageFiltersSchema);
  return json(await listUsage(session.accountId, filters), { headers: { "cache-control": "no-store" } });
});

export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);
