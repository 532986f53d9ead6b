import { getAccountSummary } from "@/lib/billing/account";
import { sessionRoute, json } from "@/lib/http/handler";

export const GET = sessionRoute(async (_req, { session }) => {
  return json(await getAccountSummary(session.accountId), { headers: { "cache-control": "no-store" } });
});
