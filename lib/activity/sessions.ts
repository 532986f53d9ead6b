import "server-only";
import { getDb } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { recordActivity, type RequestOrigin } from "./events";
import { deleteOtherSessions, deleteSessionById, listLiveSessions } from "@/lib/auth/store";

export interface SessionView {
  id: string;
  current: boolean;
  createdAt: Date;
  lastSeenAt: Date;
  ip: string | null;
  userAgent: string | null;
}

/** The account's live sessions, newest first, the caller's own marked current. */
export async function listSessions(
  accountId: string,
  currentTokenHash: string,
  now = new Date(),
): Promise<SessionView[]> {
  const rows = await listLiveSessions(await getDb(), accountId, now);
  return rows.map(({ tokenHash, ...r }) => ({
    id: r.id,
    current: tokenHash === currentTokenHash,
    createdAt: r.createdAt,
    lastSeenAt: r.lastSeenAt,
    ip: r.ip,
    userAgent: r.userAgent,
  }));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ends one of the account's sessions; another account's id is simply not found. */
export async function endSession(accountId: string, id: string, origin: RequestOrigin = {}): Promise<void> {
  if (!UUID.test(id)) throw new AppError("not_found", "No such session.");
  const db = await getDb();
  await db.transaction(async (tx) => {
    if (!(await deleteSessionById(tx, accountId, id))) throw new AppError("not_found", "No such session.");
    await recordActivity(tx, { accountId, kind: "session_ended", ...origin, details: { sessionId: id } });
  });
}

/** Ends every session of the account but the caller's; returns how many ended. */
export async function endOtherSessions(
  accountId: string,
  currentTokenHash: string,
  origin: RequestOrigin = {},
): Promise<number> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const count = await deleteOtherSessions(tx, accountId, currentTokenHash);
    await recordActivity(tx, { accountId, kind: "other_sessions_ended", ...origin, details: { count } });
    return count;
  });
}
