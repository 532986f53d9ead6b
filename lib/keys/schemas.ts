import { z } from "zod";
import { microUsd, wireDate } from "@/lib/wire";
import {
  CAP_PERIOD_VALUES,
  KEY_NAME_MAX,
  MAX_KEY_MODELS,
  MAX_SPEND_CAP_MICRO,
  ROLL_GRACE_MESSAGE,
  ROLL_GRACE_SECONDS,
} from "./limits";

// Requests and responses of /api/keys*. Request shapes only: lib/keys/store.ts checks meaning
// (trimmed name length, expiry in the future) so that every caller gets the same rules.
// Responses are built through these schemas (lib/http/respond.ts) and the dashboard's types are
// their wire form (Wire<…>), so a field that changes on one side fails the typecheck.

const spendCap = z
  .int("must be a whole number of micro-USD")
  .min(1, "must be positive")
  .max(Number(MAX_SPEND_CAP_MICRO), "must be at most 1000000000000000 ($1,000,000,000)")
  .transform((v) => BigInt(v))
  .nullable()
  .describe("Monthly spend cap in integer micro-USD; null removes it");

const capPeriod = z.enum(CAP_PERIOD_VALUES).describe("The UTC calendar period the cap counts over (week: from Monday)");

const spendCapObject = z
  .object({ micro: spendCap.unwrap(), period: capPeriod })
  .nullable()
  .describe("Spend cap per UTC calendar period; null removes it");

// Checked against the catalogue (lib/models.ts) by store.ts, which names the unknown ones.
const models = z
  .array(z.string().min(1).max(100))
  .max(MAX_KEY_MODELS)
  .nullable()
  .describe("Catalogue model ids the key may call; empty, null or absent: every model");

const keyName = z
  .string()
  .max(KEY_NAME_MAX * 4)
  .describe(`A label for the key, at most ${KEY_NAME_MAX} characters once trimmed`);

export const CreateKeyBody = z
  .object({
    name: keyName,
    expiresAt: z.iso
      .datetime({ offset: true, message: "must be an ISO 8601 date-time, e.g. 2030-01-31T23:59:59Z" })
      .transform((s) => new Date(s))
      .nullable()
      .optional()
      .describe("When the key stops working (ISO 8601); null or absent: never"),
    spendCapMicro: spendCap.optional().describe("Monthly spend cap (same as spendCap with period month)"),
    spendCap: spendCapObject.optional(),
    models: models.optional(),
    canManageKeys: z
      .boolean()
      .optional()
      .describe("A management key (Authorization: Bearer on /api/keys*, /api/topups*, /api/me, /api/usage*)"),
    canCallModels: z.boolean().optional().describe("With canManageKeys: may it also call models (default false)"),
  })
  .describe("Body of POST /api/keys");

export const UpdateKeyBody = z
  .object({
    name: keyName.optional(),
    spendCapMicro: spendCap.optional().describe("Monthly spend cap (same as spendCap with period month)"),
    spendCap: spendCapObject.optional(),
    models: models.optional(),
  })
  .describe("Body of PATCH /api/keys/{id}");

/** The roll grace periods, from lib/keys/limits.ts (the one list of them). */
export const RollGraceSchema = z
  .literal(ROLL_GRACE_SECONDS, { message: ROLL_GRACE_MESSAGE })
  .describe("Seconds the old key keeps working after the roll");

export const RollKeyBody = z.object({ graceSeconds: RollGraceSchema }).describe("Body of POST /api/keys/{id}/roll");

export const KeyStatusSchema = z.enum(["active", "expired", "revoked"]).describe("The key's state now");

export const ApiKeySchema = z
  .object({
    id: z.uuid().describe("The key's id"),
    name: z.string().describe("The key's label"),
    start: z.string().describe("The first characters of the secret, like sk_solrouter_Ab3x…"),
    createdAt: wireDate,
    lastUsedAt: wireDate.nullable().describe("The last call made with it; null if never used"),
    expiresAt: wireDate.nullable().describe("When it stops working; null: never"),
    revokedAt: wireDate.nullable().describe("When it was revoked; null: not revoked"),
    spendCapMicro: microUsd("The cap its calls count against; for a rolled key, its replacement's").nullable(),
    capPeriod: capPeriod.describe("The period of the cap (month unless set)"),
    spendCap: z
      .object({ micro: microUsd("The cap"), period: capPeriod })
      .nullable()
      .describe("The cap and its period (spendCapMicro with its period); null: no cap"),
    models: z.array(z.string()).nullable().describe("The models it may call; null: every model"),
    canManageKeys: z.boolean().describe("A management key"),
    canCallModels: z.boolean().describe("Whether it may call models"),
    replacedBy: z.uuid().nullable().describe("Set once rolled: the id of the key that replaces it"),
    capKeyId: z
      .uuid()
      .nullable()
      .describe("Set once rolled: the key whose cap and month spend its calls count against"),
    status: KeyStatusSchema,
  })
  .describe("An API key as the dashboard sees it; never the secret or its hash");

export const KeyListItemSchema = ApiKeySchema.extend({
  monthSpendMicro: microUsd("What its calls cost this UTC calendar month"),
  periodSpendMicro: microUsd("What its calls cost in its cap's current period (day, week or month)"),
}).describe("An API key in the list, with its spend this month and this cap period");

export const KeyListResponse = z.object({ keys: z.array(KeyListItemSchema) }).describe("GET /api/keys");

const secret = z.string().describe("The new secret, shown exactly once");

export const CreatedKeyResponse = z.object({ key: ApiKeySchema, secret }).describe("POST /api/keys");

export const RolledKeyResponse = z
  .object({ key: ApiKeySchema, secret, replaced: ApiKeySchema.describe("The key the new one replaces") })
  .describe("POST /api/keys/{id}/roll");

export const KeyResponse = z.object({ key: ApiKeySchema }).describe("PATCH or DELETE /api/keys/{id}");
