import "server-only";
import { getDb } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { recordActivity, type RequestOrigin } from "./events";

export interface SessionView {
  id: string;
  current: boolean;
  createdAt: Date;
  lastSeenAt: Date;
  ip: string | null;
  userAgent: string | null;
}

type Row = { id: string; token_hash: string; created_at: Date | string; last_seen_at: Date | string; ip: string | null; user_agent: string | null };

/** The account's live sessions, newest first, the caller's own marked current. */
export async function listSessions(accountId: string, currentTokenHash: string, now = new Date()): Promise<SessionView[]> {
  const db = await getDb();
  const rows = await db.query<Row>(
    `SELECT id, token_hash, created_at, last_seen_at, ip, user_agent FROM sessions
     WHERE account_id = $1 AND expires_at > $2 ORDER BY created_at DESC, id`,
    [accountId, now],
  );
  return rows.map((r) => ({
    id: r.id,
    current: r.token_hash === currentTokenHash,
    createdAt: new Date(r.created_at),
    lastSeenAt: new Date(r.last_seen_at),
    ip: r.ip,
    userAgent: r.user_agent,
  }));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ends one of the account's sessions; another account's id is simply not found. */
export async function endSession(accountId: string, id: string, origin: RequestOrigin = {}): Promise<void> {
  if (!UUID.test(id)) throw new AppError("not_found", "No such session.");
  const db = await getDb();
  await db.transaction(async (tx) => {
    const gone = await tx.query("DELETE FROM sessions WHERE account_id = $1 AND id = $2 RETURNING id", [accountId, id]);
    if (gone.length === 0) throw new AppError("not_found", "No such session.");
    await recordActivity(tx, { accountId, kind: "session_ended", ...origin, details: { sessionId: id } });
  });
}

/** Ends every session of the account but the caller's; returns how many ended. */
export async function endOtherSessions(accountId: string, currentTokenHash: string, origin: RequestOrigin = {}): Promise<number> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const gone = await tx.query("DELETE FROM sessions WHERE account_id = $1 AND token_hash <> $2 RETURNING id", [accountId, currentTokenHash]);
    await recordActivity(tx, { accountId, kind: "other_sessions_ended", ...origin, details: { count: gone.length } });
    return gone.length;
  });
}
