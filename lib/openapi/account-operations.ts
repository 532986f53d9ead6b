import "server-only";
import * as billing from "@/lib/billing/schemas";
import * as keys from "@/lib/keys/schemas";
import { usageFiltersSchema } from "@/lib/usage/filters";
import * as usage from "@/lib/usage/schemas";
import type { Operation } from "./operations";

// The account endpoints of /openapi.json: what the dashboard calls with its session cookie and a
// management key (canManageKeys) with Authorization: Bearer, for its own account.

// With a Bearer key: key_not_allowed for a key that is not a management key; a management key
// handing out more than it has, or touching a management key, is forbidden.
const ACCOUNT_READ = [
  "unauthenticated",
  "invalid_api_key",
  "revoked_api_key",
  "expired_api_key",
  "key_not_allowed",
  "rate_limited",
];
const ACCOUNT_WRITE = [...ACCOUNT_READ, "bad_origin", "invalid_request", "payload_too_large"];
const KEY_WRITE = [...ACCOUNT_WRITE, "forbidden"];

const keyId = { id: keys.ApiKeySchema.shape.id };

/** An account endpoint ("METHOD /path"): the dashboard's session cookie, or a management key. */
function account(
  tag: Operation["tag"],
  route: string,
  operationId: string,
  summary: string,
  rest: Pick<Operation, "responses" | "errors"> & Partial<Operation>,
): Operation {
  const [method, path] = route.split(" ") as [string, string];
  return {
    path,
    method: method.toLowerCase() as Operation["method"],
    operationId,
    tag,
    summary,
    auth: "account",
    ...rest,
  };
}

/** A change to one key of the account, named by its id in the path. */
function oneKey(
  route: string,
  operationId: string,
  summary: string,
  rest: Pick<Operation, "responses"> & Partial<Operation>,
): Operation {
  return account("Keys", route, operationId, summary, { params: keyId, errors: [...KEY_WRITE, "not_found"], ...rest });
}

export const ACCOUNT_OPERATIONS: Operation[] = [
  account("Keys", "GET /api/keys", "listKeys", "The account's API keys", {
    responses: { 200: keys.KeyListResponse },
    errors: ACCOUNT_READ,
  }),
  account("Keys", "POST /api/keys", "createKey", "Create an API key (its secret is shown once)", {
    body: keys.CreateKeyBody,
    responses: { 201: keys.CreatedKeyResponse },
    errors: [...KEY_WRITE, "too_many_keys"],
  }),
  oneKey("PATCH /api/keys/{id}", "updateKey", "Change a key's name or limits", {
    body: keys.UpdateKeyBody,
    responses: { 200: keys.KeyResponse },
  }),
  oneKey("DELETE /api/keys/{id}", "revokeKey", "Revoke a key (repeating it is harmless)", {
    responses: { 200: keys.KeyResponse },
  }),
  oneKey("POST /api/keys/{id}/roll", "rollKey", "Replace a key; the old one expires after the grace", {
    body: keys.RollKeyBody,
    responses: { 201: keys.RolledKeyResponse },
  }),
  account("Top-ups", "GET /api/topups", "listTopups", "Top-up intents, newest first", {
    query: billing.ListTopupsQuery,
    responses: { 200: billing.TopupListResponse },
    errors: [...ACCOUNT_READ, "invalid_request"],
  }),
  account(
    "Top-ups",
    "POST /api/topups",
    "createTopup",
    "Start a top-up: what to send, where, with which reference and memo",
    {
      body: billing.CreateTopupBody,
      responses: { 201: billing.TopupResponse },
      errors: [...ACCOUNT_WRITE, "too_many_topups", "rate_limited"],
    },
  ),
  account(
    "Top-ups",
    "POST /api/topups/{id}/confirm",
    "confirmTopup",
    "Credit a paid top-up (202 while the transfer is not yet confirmed)",
    {
      description: "Crediting happens once per intent and once per signature, whoever asks and however often.",
      params: { id: billing.TopupIdParam },
      body: billing.ConfirmTopupBody,
      responses: { 200: billing.ConfirmedTopupResponse, 202: billing.TopupResponse },
      errors: [...ACCOUNT_WRITE, "not_found", "deposit_invalid", "rate_limited"],
    },
  ),
  account("Account", "GET /api/me", "getMe", "The account's wallet and balance", {
    responses: { 200: billing.MeResponse },
    errors: ACCOUNT_READ,
  }),
  account("Usage", "GET /api/usage", "listUsage", "The request log, newest first, with totals", {
    query: usageFiltersSchema,
    responses: { 200: usage.UsagePageResponse },
    errors: [...ACCOUNT_READ, "invalid_request"],
  }),
  account(
    "Usage",
    "GET /api/usage/daily",
    "dailyUsage",
    "Usage per UTC day and model (same filters; cursor and limit ignored)",
    {
      query: usageFiltersSchema,
      responses: { 200: usage.DailyUsageResponse },
      errors: [...ACCOUNT_READ, "invalid_request"],
    },
  ),
  account("Usage", "GET /api/usage/summary", "usageSummary", "Requests and cost today, over 7 and over 30 UTC days", {
    responses: { 200: usage.SummaryCardsResponse },
    errors: ACCOUNT_READ,
  }),
  account("Usage", "GET /api/usage/export.csv", "exportUsageCsv", "Every call the filters select, as CSV (UTC)", {
    query: usageFiltersSchema,
    responses: { 200: { mediaType: "text/csv", description: "A header row, then one row per call" } },
    errors: [...ACCOUNT_READ, "invalid_request"],
  }),
];
