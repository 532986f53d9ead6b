import { bigint, index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
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
    // Optional monthly spend cap (UTC months).
    spendCapMicro: bigint("spend_cap_micro", { mode: "bigint" }),
    replacedBy: uuid("replaced_by"),
  },
  (t) => [index("api_keys_account_idx").on(t.accountId, t.createdAt)],
);
