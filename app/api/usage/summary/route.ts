import { respond, sessionRoute } from "@/lib/http/handler";
import { summaryCards } from "@/lib/usage/aggregates";
import { SummaryCardsResponse } from "@/lib/usage/schemas";
import { otherMethods } from "@/lib/http/fallback-routes";

export const dynamic = "force-dynamic";

export const GET = sessionRoute(
  async (_req, { session }) => {
    return respond(SummaryCardsResponse, await summaryCards(session.accountId), {
      headers: { "cache-control": "no-store" },
    });
  },
  { auth: "session-or-management-key" },
);

export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);
