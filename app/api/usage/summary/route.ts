import { json, sessionRoute } from "@/lib/http/handler";
import { summaryCards } from "@/lib/usage/aggregates";

export const dynamic = "force-dynamic";

export const GET = sessionRoute(async (_req, { session }) => {
  return json(await summaryCards(session.accountId), { headers: { "cache-control": "no-store" } });
});
