import { getAccountSummary } from "@/lib/billing/account";
import { sessionRoute, json } from "@/lib/http/handler";
import { otherMethods } from "@/lib/http/fallback-routes";

export const GET = sessionRoute(async (_req, { session }) => {
  return json(await getAccountSummary(session.accountId), { headers: { "cache-control": "no-store" } });
});

export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);
