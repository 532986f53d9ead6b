import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { accounts } from "./auth";

// One row per (account, Idempotency-Key): the claim of the call that runs under it, then its
// stored answer for 24 h (lib/gateway/README.md, "Idempotency").
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    accountId: uuid("account_id")
      .notNull()
      .references(() => accounts.id),
    key: text("key").notNull(),
    // SHA-256 of the endpoint and the request body: a repeat with another body is a conflict.
    bodyHash: text("body_hash").notNull(),
    // running | done
    state: text("state").notNull(),
    // New on every claim; only the claimer may extend, complete or release it.
    owner: uuid("owner").notNull(),
    // A running claim whose lease passed (its process died) may be taken over by a retry.
    leaseUntil: timestamp("lease_until", { withTimezone: true }).notNull(),
    status: integer("status"),
    headers: jsonb("headers").$type<Record<string, string>>(),
    // NULL on a done row: the answer was larger than the bound and was not stored.
    body: text("body"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.key] }), index("idempotency_keys_expires_idx").on(t.expiresAt)],
);
