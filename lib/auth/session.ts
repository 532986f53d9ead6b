import "server-only";
import { env } from "@/lib/env";
import { getDb, type Queryable } from "@/lib/db";
import { randomToken, sha256Hex } from "@/lib/crypto/random";

export const SESSION_COOKIE = "sr_session";
const SESSION_TTL_MS = 7 * 24 * 3600 * 1000;
// last_seen_at is advisory: refresh it at most this often so reads stay reads.
const LAST_SEEN_GRANULARITY_MS = 5 * 60 * 1000;

export interface SessionAccount {
  accountId: string;
  wallet: string;
  tokenHash: string;
}

/** A fresh session token; only its SHA-256 is ever stored. */
export function mintSessionToken(now: Date) {
  const token = randomToken(32);
  return { token, tokenHash: sha256Hex(token), expiresAt: new Date(now.getTime() + SESSION_TTL_MS) };
}

export async function createSession(q: Queryable, accountId: string, userAgent: string | null, now: Date) {
  const { token, tokenHash, expiresAt } = mintSessionToken(now);
  await q.query(
    "INSERT INTO sessions (token_hash, account_id, expires_at, created_at, last_seen_at, user_agent) VALUES ($1, $2, $3, $4, $4, $5)",
    [tokenHash, accountId, expiresAt, now, userAgent?.slice(0, 512) ?? null],
  );
  return { token, expiresAt };
}

export async function findSession(token: string | undefined, now = new Date()): Promise<SessionAccount | null> {
  if (!token || token.length > 100) return null;
  const db = await getDb();
  const tokenHash = sha256Hex(token);
  const rows = await db.query<{ account_id: string; wallet: string; last_seen_at: Date | string }>(
    `SELECT s.account_id, a.wallet, s.last_seen_at FROM sessions s JOIN accounts a ON a.id = s.account_id
     WHERE s.token_hash = $1 AND s.expires_at > $2`,
    [tokenHash, now],
  );
  const row = rows[0];
  if (!row) return null;
  if (now.getTime() - new Date(row.last_seen_at).getTime() > LAST_SEEN_GRANULARITY_MS) {
    await db.query("UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1", [tokenHash, now]);
  }
  return { accountId: row.account_id, wallet: row.wallet, tokenHash };
}

export async function deleteSession(token: string | undefined): Promise<void> {
  if (!token) return;
  const db = await getDb();
  await db.query("DELETE FROM sessions WHERE token_hash = $1", [sha256Hex(token)]);
}

export function sessionCookie(token: string, expiresAt: Date): string {
  const secure = env().APP_URL.startsWith("https:") ? "; Secure" : "";
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax; Expires=${expiresAt.toUTCString()}${secure}`;
}

export function clearedSessionCookie(): string {
  const secure = env().APP_URL.startsWith("https:") ? "; Secure" : "";
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${secure}`;
}

export function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}
