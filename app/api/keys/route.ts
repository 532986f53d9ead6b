import { createKey, listKeysWithMonthSpend } from "@/lib/keys/store";
import { CreateKeyBody } from "@/lib/keys/schemas";
import { json, readJson, sessionRoute } from "@/lib/http/handler";
import { otherMethods } from "@/lib/http/fallback-routes";
import { requestOrigin } from "@/lib/http/origin";

const NO_STORE = { "cache-control": "no-store" };

export const GET = sessionRoute(async (_req, { session }) => {
  return json({ keys: await listKeysWithMonthSpend(session.accountId) }, { headers: NO_STORE });
});

export const POST = sessionRoute(async (req, { session }) => {
  const body = await readJson(req, CreateKeyBody);
  const created = await createKey(session.accountId, body, new Date(), requestOrigin(req));
  return json(created, { status: 201, headers: NO_STORE });
});

export const { PUT, PATCH, DELETE } = otherMethods(["GET", "POST"]);
