import { revokeKey, updateKey } from "@/lib/keys/store";
import { KeyResponse, UpdateKeyBody } from "@/lib/keys/schemas";
import { readJson, respond, sessionRoute } from "@/lib/http/handler";
import { otherMethods } from "@/lib/http/fallback-routes";
import { requestOrigin } from "@/lib/http/origin";

const NO_STORE = { "cache-control": "no-store" };
const AUTH = { auth: "session-or-management-key" } as const;

export const DELETE = sessionRoute(async (req, { session, param, actor }) => {
  const key = await revokeKey(session.accountId, param("id"), new Date(), requestOrigin(req, actor));
  return respond(KeyResponse, { key }, { headers: NO_STORE });
}, AUTH);

export const PATCH = sessionRoute(async (req, { session, param, actor }) => {
  const body = await readJson(req, UpdateKeyBody);
  const key = await updateKey(session.accountId, param("id"), body, new Date(), requestOrigin(req, actor), actor);
  return respond(KeyResponse, { key }, { headers: NO_STORE });
}, AUTH);

export const { GET, HEAD, POST, PUT } = otherMethods(["PATCH", "DELETE"]);
