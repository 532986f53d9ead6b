import {
  bigint,
  bigserial,
  index,
  integer,
  uniqueIndex,
  jsonb,
  pgTable,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import { accounts } from "./auth";

// Every balance change is one row here, written in the same transaction as the balance.
export const ledgerEntries = pgTable(
  "ledger_entries",
  {
    id: bigserial("id", { mode: "bigint" }).primaryKey(),
    accountId: uuid("account_id")
      .notNull()
      .references(() => accounts.id),
    amountMicro: bigint("amount_micro", { mode: "bigint" }).notNull(),
    // topup | usage | adjustment
    kind: text("kind").notNull(),
    // Unique per real-world event (a deposit signature, a usage batch, an operator action).
    reference: text("reference").notNull().unique(),
    meta: jsonb("meta"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("ledger_account_idx").on(t.accountId, t.createdAt)],
);

// Balance held by one gateway instance for one account; released when idle, at shutdown,
// or by the sweeper when the instance stops heartbeating.
export const balanceHolds = pgTable(
  "balance_holds",
  {
    instanceId: text("instance_id").notNull(),
    accountId: uuid("account_id")
      .notNull()
      .references(() => accounts.id),
    amountMicro: bigint("amount_micro", { mode: "bigint" }).notNull(),
    // New on every (re)creation of the row; every write to the hold names it (lib/gateway/README.md).
    lease: uuid("lease").notNull().defaultRandom(),
    heartbeatAt: timestamp("heartbeat_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("balance_holds_instance_account_idx").on(t.instanceId, t.accountId),
    index("balance_holds_heartbeat_idx").on(t.heartbeatAt),
  ],
);

export const topups = pgTable(
  "topups",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    accountId: uuid("account_id")
      .notNull()
      .references(() => accounts.id),
    token: text("token").notNull(),
    mint: text("mint").notNull(),
    decimals: integer("decimals").notNull(),
    // Token base units the payer must send.
    amount: bigint("amount", { mode: "bigint" }).notNull(),
    creditMicro: bigint("credit_micro", { mode: "bigint" }).notNull(),
    // The USD price of one token locked into the intent (1 for USDC).
    priceUsd: text("price_usd").notNull(),
    reference: text("reference").notNull().unique(),
    memo: text("memo").notNull(),
    // pending | credited | expired
    status: text("status").notNull().default("pending"),
    signature: text("signature").unique(),
    failureReason: text("failure_reason"),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    creditedAt: timestamp("credited_at", { withTimezone: true }),
    // The reconciler's schedule: when to look again, how many looks found nothing (the backoff).
    nextCheckAt: timestamp("next_check_at", { withTimezone: true }).notNull().defaultNow(),
    checkAttempts: integer("check_attempts").notNull().default(0),
    // Set while signatures naming the reference wait to be judged: the lane verified first.
    seenAt: timestamp("seen_at", { withTimezone: true }),
    // The newest signature for the reference such that it and every older one were judged for good.
    scanCursor: text("scan_cursor"),
  },
  (t) => [
    index("topups_account_idx").on(t.accountId, t.createdAt),
    index("topups_pending_idx").on(t.status, t.expiresAt),
    index("topups_due_idx").on(t.status, t.nextCheckAt),
  ],
);

export type LedgerKind = "topup" | "usage" | "adjustment";
