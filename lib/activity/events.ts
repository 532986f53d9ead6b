import "server-only";
import { sql } from "drizzle-orm";
import { getDb, type Queryable } from "@/lib/db";
import { activityEvents } from "@/lib/db/schema";

// The owner of `activity_events`.

export type ActivityKind =
  | "signed_in"
  | "signed_out"
  | "session_ended"
  | "other_sessions_ended"
  | "key_created"
  | "key_rolled"
  | "key_revoked"
  | "key_edited"
  | "topup_credited";

/** Where a change came from; optional because jobs (the reconciler) have no request. */
export interface RequestOrigin {
  ip?: string | null;
  userAgent?: string | null;
  /** Set when a management key (Authorization: Bearer) made the change: its id, kept in details. */
  byKeyId?: string | null;
}

export interface ActivityInput extends RequestOrigin {
  accountId: string;
  kind: ActivityKind;
  details?: Record<string, string | number | boolean | null>;
}

export interface ActivityEvent {
  id: string;
  kind: ActivityKind;
  at: Date;
  ip: string | null;
  userAgent: string | null;
  details: Record<string, unknown>;
}

const UA_MAX = 300;

export const clipUserAgent = (ua: string | null | undefined) => (ua ? ua.slice(0, UA_MAX) : null);

/** Records one event with the caller's queryable, so it commits (or rolls back) with the change. */
export async function recordActivity(q: Queryable, e: ActivityInput): Promise<void> {
  await q.rows(sql`
    INSERT INTO ${activityEvents} (account_id, kind, ip, user_agent, details)
    VALUES (${e.accountId}, ${e.kind}, ${e.ip?.slice(0, 100) ?? null}, ${clipUserAgent(e.userAgent)}, ${JSON.stringify(e.byKeyId ? { ...e.details, byKeyId: e.byKeyId } : (e.details ?? {}))})`);
}

type Row = {
  id: string | bigint;
  kind: ActivityKind;
  at: Date | string;
  ip: string | null;
  user_agent: string | null;
  details: unknown;
};

const toEvent = (r: Row): ActivityEvent => ({
  id: String(r.id),
  kind: r.kind,
  at: new Date(r.at),
  ip: r.ip,
  userAgent: r.user_agent,
  details: (typeof r.details === "string" ? JSON.parse(r.details) : r.details) as Record<string, unknown>,
});

/**
 * Newest first, keyset-paginated. The cursor is the last event's id; its (at, id) is looked up
 * in the database so microsecond timestamps never pass through a JS Date. An id from another
 * account matches nothing and yields an empty page.
 */
export async function listActivity(accountId: string, opts: { cursor?: string; limit: number }) {
  const db = await getDb();
  const after = opts.cursor
    ? sql`AND (at, id) < (SELECT at, id FROM ${activityEvents} WHERE id = ${opts.cursor} AND account_id = ${accountId})`
    : sql``;
  const rows = await db.rows<Row>(sql`
    SELECT id, kind, at, ip, user_agent, details FROM ${activityEvents} WHERE account_id = ${accountId} ${after}
    ORDER BY at DESC, id DESC LIMIT ${opts.limit + 1}`);
  const events = rows.slice(0, opts.limit).map(toEvent);
  return { events, nextCursor: rows.length > opts.limit ? events[events.length - 1]!.id : null };
}
