import { sql } from "drizzle-orm";
import { bigint, check, index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

export const accounts = pgTable(
  "accounts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    wallet: text("wallet").notNull().unique(),
    // Cached sum of ledger entries, kept in the same transaction as every entry.
    balanceMicro: bigint("balance_micro", { mode: "bigint" })
      .notNull()
      .default(sql`0`),
    // Part of the balance held by running gateway instances for calls in flight (see lib/gateway/README.md).
    heldMicro: bigint("held_micro", { mode: "bigint" })
      .notNull()
      .default(sql`0`),
    lowBalanceThresholdMicro: bigint("low_balance_threshold_micro", { mode: "bigint" })
      .notNull()
      .default(sql`1000000`),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check("accounts_balance_non_negative", sql`${t.balanceMicro} >= 0`),
    check("accounts_held_within_balance", sql`${t.heldMicro} >= 0 AND ${t.heldMicro} <= ${t.balanceMicro}`),
  ],
);

export const signinChallenges = pgTable(
  "signin_challenges",
  {
    nonce: text("nonce").primaryKey(),
    // The exact input issued; verify compares every field of the signed message to it.
    input: jsonb("input").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    // Who asked (rate-limit key: IPv4 address or IPv6 /64), to bound open challenges per client.
    clientAddress: text("client_address"),
  },
  (t) => [
    index("signin_challenges_expires_idx").on(t.expiresAt),
    index("signin_challenges_open_idx")
      .on(t.expiresAt)
      .where(sql`${t.usedAt} IS NULL`),
    index("signin_challenges_client_open_idx")
      .on(t.clientAddress, t.expiresAt)
      .where(sql`${t.usedAt} IS NULL`),
  ],
);

export const sessions = pgTable(
  "sessions",
  {
    tokenHash: text("token_hash").primaryKey(),
    accountId: uuid("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
    userAgent: text("user_agent"),
    // Public handle for listing and ending a session; the token hash never leaves the server.
    id: uuid("id").notNull().unique().defaultRandom(),
    ip: text("ip"),
  },
  (t) => [index("sessions_account_idx").on(t.accountId)],
);
