import { rollKey } from "@/lib/keys/roll";
import { RollKeyBody } from "@/lib/keys/schemas";
import { json, readJson, sessionRoute } from "@/lib/http/handler";
import { otherMethods } from "@/lib/http/fallback-routes";
import { requestOrigin } from "@/lib/http/origin";

export const POST = sessionRoute(async (req, { session, params }) => {
  const { graceSeconds } = await readJson(req, RollKeyBody);
  const id = typeof params.id === "string" ? params.id : "";
  return json(await rollKey(session.accountId, id, graceSeconds, new Date(), requestOrigin(req)), { status: 201, headers: { "cache-control": "no-store" } });
});

export const { GET, HEAD, PUT, PATCH, DELETE } = otherMethods(["POST"]);
