import { createKey, listKeysWithMonthSpend } from "@/lib/keys/store";
import { CreatedKeyResponse, CreateKeyBody, KeyListResponse } from "@/lib/keys/schemas";
import { readJson, respond, sessionRoute } from "@/lib/http/handler";
import { otherMethods } from "@/lib/http/fallback-routes";
import { requestOrigin } from "@/lib/http/origin";

const NO_STORE = { "cache-control": "no-store" };

// A management key (Bearer) may manage its own account's keys too; lib/keys/management.ts has the limits.
const AUTH = { auth: "session-or-management-key" } as const;

export const GET = sessionRoute(async (_req, { session }) => {
  return respond(KeyListResponse, { keys: await listKeysWithMonthSpend(session.accountId) }, { headers: NO_STORE });
}, AUTH);

export const POST = sessionRoute(async (req, { session, actor }) => {
  const body = await readJson(req, CreateKeyBody);
  const created = await createKey(session.accountId, body, new Date(), requestOrigin(req, actor), actor);
  return respond(CreatedKeyResponse, created, { status: 201, headers: NO_STORE });
}, AUTH);

export const { PUT, PATCH, DELETE } = otherMethods(["GET", "POST"]);
