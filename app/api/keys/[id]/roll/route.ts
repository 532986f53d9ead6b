import { rollKey } from "@/lib/keys/roll";
import { RolledKeyResponse, RollKeyBody } from "@/lib/keys/schemas";
import { readJson, respond, sessionRoute } from "@/lib/http/handler";
import { otherMethods } from "@/lib/http/fallback-routes";
import { requestOrigin } from "@/lib/http/origin";

export const POST = sessionRoute(
  async (req, { session, param, actor }) => {
    const { graceSeconds } = await readJson(req, RollKeyBody);
    const origin = requestOrigin(req, actor);
    const rolled = await rollKey(session.accountId, param("id"), graceSeconds, new Date(), origin, actor);
    return respond(RolledKeyResponse, rolled, { status: 201, headers: { "cache-control": "no-store" } });
  },
  { auth: "session-or-management-key" },
);

export const { GET, HEAD, PUT, PATCH, DELETE } = otherMethods(["POST"]);
