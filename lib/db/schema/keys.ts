import { sql } from "drizzle-orm";
import { bigint, boolean, check, date, index, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { accounts } from "./auth";

export const apiKeys = pgTable(
  "api_keys",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    accountId: uuid("account_id")
      .notNull()
      .references(() => accounts.id),
    name: text("name").notNull(),
    // SHA-256 of the secret; the secret itself is never stored.
    keyHash: text("key_hash").notNull().unique(),
    start: text("start").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    // Optional monthly spend cap (UTC months). period_* track the current month's spend and the
    // part of the cap held by gateway instances for calls in flight.
    spendCapMicro: bigint("spend_cap_micro", { mode: "bigint" }),
    periodStart: date("period_start"),
    periodSpendMicro: bigint("period_spend_micro", { mode: "bigint" })
      .notNull()
      .default(sql`0`),
    capHeldMicro: bigint("cap_held_micro", { mode: "bigint" })
      .notNull()
      .default(sql`0`),
    replacedBy: uuid("replaced_by"),
    // Set by a roll on the key it replaces: the key whose cap and period spend this key's calls
    // count against (always the newest of its line, never itself rolled). NULL = its own.
    capKeyId: uuid("cap_key_id"),
    // Catalogue ids the key may call; NULL = every model.
    models: text("models").array(),
    // The UTC calendar period the cap (and period_*) counts over: day, week (from Monday) or month.
    capPeriod: text("cap_period").notNull().default("month"),
    // A management key may call /api/keys*, /api/topups*, /api/me and /api/usage* for its account.
    canManageKeys: boolean("can_manage_keys").notNull().default(false),
    // Whether it may call models; false only for a management key created without canCallModels.
    canCallModels: boolean("can_call_models").notNull().default(true),
  },
  (t) => [
    index("api_keys_account_idx").on(t.accountId, t.createdAt),
    check("api_keys_cap_period_check", sql`${t.capPeriod} IN ('day', 'week', 'month')`),
  ],
);

// Part of a key's monthly cap held by one gateway instance (the cap's analogue of balance_holds).
export const keyCapHolds = pgTable(
  "key_cap_holds",
  {
    instanceId: text("instance_id").notNull(),
    keyId: uuid("key_id")
      .notNull()
      .references(() => apiKeys.id),
    amountMicro: bigint("amount_micro", { mode: "bigint" }).notNull(),
    // New on every (re)creation of the row; every write to the hold names it (lib/gateway/README.md).
    lease: uuid("lease").notNull().defaultRandom(),
    heartbeatAt: timestamp("heartbeat_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("key_cap_holds_instance_key_idx").on(t.instanceId, t.keyId),
    index("key_cap_holds_heartbeat_idx").on(t.heartbeatAt),
  ],
);
