import { getAccountSummary } from "@/lib/billing/account";
import { MeResponse } from "@/lib/billing/schemas";
import { respond, sessionRoute } from "@/lib/http/handler";
import { otherMethods } from "@/lib/http/fallback-routes";

export const GET = sessionRoute(
  async (_req, { session }) => {
    return respond(MeResponse, await getAccountSummary(session.accountId), {
      headers: { "cache-control": "no-store" },
    });
  },
  { auth: "session-or-management-key" },
);

export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);
