import { bigserial, index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { accounts } from "./auth";

// What happened on an account, for the owner to review. details stays small and never holds a secret.
export const activityEvents = pgTable(
  "activity_events",
  {
    id: bigserial("id", { mode: "bigint" }).primaryKey(),
    accountId: uuid("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    ip: text("ip"),
    userAgent: text("user_agent"),
    details: jsonb("details").notNull().default({}),
  },
  (t) => [index("activity_events_account_at_idx").on(t.accountId, t.at.desc(), t.id.desc())],
);
