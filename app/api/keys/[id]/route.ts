import { revokeKey, updateKey } from "@/lib/keys/store";
import { UpdateKeyBody } from "@/lib/keys/schemas";
import { json, readJson, sessionRoute } from "@/lib/http/handler";
import { otherMethods } from "@/lib/http/fallback-routes";
import { requestOrigin } from "@/lib/http/origin";

const idParam = (params: Record<string, string | string[] | undefined>) => (typeof params.id === "string" ? params.id : "");

export const DELETE = sessionRoute(async (req, { session, params }) => {
  return json({ key: await revokeKey(session.accountId, idParam(params), new Date(), requestOrigin(req)) }, { headers: { "cache-control": "no-store" } });
});

export const PATCH = sessionRoute(async (req, { session, params }) => {
  const body = await readJson(req, UpdateKeyBody);
  return json({ key: await updateKey(session.accountId, idParam(params), body, new Date(), requestOrigin(req)) }, { headers: { "cache-control": "no-store" } });
});

export const { GET, HEAD, POST, PUT } = otherMethods(["PATCH", "DELETE"]);
