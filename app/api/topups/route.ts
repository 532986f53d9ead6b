import { createTopup, listTopups } from "@/lib/billing/topups";
import { CreateTopupBody, ListTopupsQuery, TopupListResponse, TopupResponse } from "@/lib/billing/schemas";
import { readJson, readQuery, respond, sessionRoute } from "@/lib/http/handler";
import { perAccount } from "@/lib/limits/rate-limit";
import { otherMethods } from "@/lib/http/fallback-routes";

const NO_STORE = { "cache-control": "no-store" };

export const GET = sessionRoute(
  async (req, { session }) => {
    const { limit } = readQuery(req, ListTopupsQuery);
    return respond(TopupListResponse, { topups: await listTopups(session.accountId, limit) }, { headers: NO_STORE });
  },
  { auth: "session-or-management-key" },
);

export const POST = sessionRoute(
  async (req, { session }) => {
    const body = await readJson(req, CreateTopupBody);
    const topup = await createTopup(session.accountId, { token: body.token, creditMicro: BigInt(body.creditMicro) });
    return respond(TopupResponse, { topup }, { status: 201, headers: NO_STORE });
  },
  // Each intent is a row and a fresh reference; a person needs a few a minute at most.
  {
    auth: "session-or-management-key",
    rateLimit: perAccount(1, 20, "Too many top-up requests at once. Please wait a moment."),
  },
);

export const { PUT, PATCH, DELETE } = otherMethods(["GET", "POST"]);
