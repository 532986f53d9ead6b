import { json, sessionRoute } from "@/lib/http/handler";
import { summaryCards } from "@/lib/usage/aggregates";
import { otherMethods } from "@/lib/http/fallback-routes";

export const dynamic = "force-dynamic";

export const GET = sessionRoute(async (_req, { session }) => {
  return json(await summaryCards(session.accountId), { headers: { "cache-control": "no-store" } });
});

export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);
