import { bigint, bigserial, index, integer, pgTable, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { accounts } from "./auth";

// One row per call that reached the model (served or failed), written before the answer leaves.
export const usageEvents = pgTable(
  "usage_events",
  {
    id: bigserial("id", { mode: "bigint" }).primaryKey(),
    accountId: uuid("account_id").references(() => accounts.id),
    keyId: uuid("key_id"),
    // key | jwt | x402
    authKind: text("auth_kind").notNull(),
    // First-party product for internal JWT calls.
    product: text("product"),
    model: text("model").notNull(),
    inputTokens: integer("input_tokens").notNull(),
    outputTokens: integer("output_tokens").notNull(),
    costMicro: bigint("cost_micro", { mode: "bigint" }).notNull(),
    latencyMs: integer("latency_ms").notNull(),
    status: integer("status").notNull(),
    requestId: text("request_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("usage_account_time_idx").on(t.accountId, t.createdAt.desc(), t.id.desc()),
    index("usage_account_key_time_idx").on(t.accountId, t.keyId, t.createdAt.desc(), t.id.desc()),
    index("usage_account_model_time_idx").on(t.accountId, t.model, t.createdAt.desc(), t.id.desc()),
    index("usage_key_time_idx").on(t.keyId, t.createdAt),
    index("usage_account_status_time_idx").on(t.accountId, t.status, t.createdAt.desc(), t.id.desc()),
  ],
);

// Hourly totals of usage_events per account, key, model and status, kept by a statement
// trigger on usage_events (migration 0005), so aggregates over months read a few thousand rows
// instead of millions. Rows for the same group are summed, never replaced: the table is always
// exactly the grouped sum of the events (`npm run ledger:check` verifies it).
export const usageHourly = pgTable(
  "usage_hourly",
  {
    accountId: uuid("account_id").notNull(),
    hour: timestamp("hour", { withTimezone: true }).notNull(),
    keyId: uuid("key_id"),
    model: text("model").notNull(),
    status: integer("status").notNull(),
    requests: bigint("requests", { mode: "bigint" }).notNull(),
    inputTokens: bigint("input_tokens", { mode: "bigint" }).notNull(),
    outputTokens: bigint("output_tokens", { mode: "bigint" }).notNull(),
    costMicro: bigint("cost_micro", { mode: "bigint" }).notNull(),
  },
  // Key-less calls (JWT, x402) form their own group: NULLS NOT DISTINCT lets them conflict.
  (t) => [unique("usage_hourly_group").on(t.accountId, t.hour, t.keyId, t.model, t.status).nullsNotDistinct()],
);

// x402 payments accepted by /agent: unique by the payment transaction's message hash, written
// before the model runs so that a replayed header is refused on every instance.
export const x402Payments = pgTable("x402_payments", {
  id: bigserial("id", { mode: "bigint" }).primaryKey(),
  messageHash: text("message_hash").notNull().unique(),
  payer: text("payer").notNull(),
  amount: bigint("amount", { mode: "bigint" }).notNull(),
  network: text("network").notNull(),
  // accepted | settling (usage recorded, settlement under way) | settled | failed
  status: text("status").notNull(),
  // The usage_events row of the call, written before settlement (status settling).
  usageId: bigint("usage_id", { mode: "bigint" }),
  transaction: text("transaction"),
  requestId: text("request_id"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  settledAt: timestamp("settled_at", { withTimezone: true }),
});
