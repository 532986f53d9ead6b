import "server-only";
import { sql } from "drizzle-orm";
import type { Queryable } from "@/lib/db";
import { sessions, signinChallenges } from "@/lib/db/schema";
import { walletOf } from "@/lib/billing/accounts-store";
import type { SignInInput } from "./siws-message";

// The owner of `signin_challenges` and `sessions`. Accounts are created by the billing store
// (ensureAccount); the session lookup reads the wallet through its fragment.

export interface NewChallenge {
  input: SignInInput;
  expiresAt: Date;
  now: Date;
  clientAddress: string;
  /** Bounds on open (unused, unexpired) challenges: in all, and per client address. */
  maxOpen: number;
  maxOpenPerAddress: number;
}

/**
 * Stores the challenge unless the open ones reach a bound; false when refused. Each check stops
 * counting at its bound, so a flood costs no more than the bound to check.
 */
export async function insertChallenge(q: Queryable, c: NewChallenge): Promise<boolean> {
  const open = sql`used_at IS NULL AND expires_at > ${c.now}`;
  const rows = await q.rows<{ nonce: string }>(sql`
    INSERT INTO ${signinChallenges} (nonce, input, expires_at, created_at, client_address)
    SELECT ${c.input.nonce}, ${JSON.stringify(c.input)}, ${c.expiresAt}, ${c.now}, ${c.clientAddress}
    WHERE (SELECT count(*) FROM (SELECT 1 FROM ${signinChallenges} WHERE ${open} LIMIT ${c.maxOpen}) g) < ${c.maxOpen}
      AND (SELECT count(*) FROM (SELECT 1 FROM ${signinChallenges} WHERE client_address = ${c.clientAddress} AND ${open}
           LIMIT ${c.maxOpenPerAddress}) a) < ${c.maxOpenPerAddress}
    RETURNING nonce`);
  return rows.length > 0;
}

export async function deleteChallengesExpiredBefore(q: Queryable, cutoff: Date): Promise<void> {
  await q.rows(sql`DELETE FROM ${signinChallenges} WHERE expires_at < ${cutoff}`);
}

export async function findChallenge(
  q: Queryable,
  nonce: string,
): Promise<{ input: SignInInput; usedAt: Date | null } | null> {
  const [row] = await q.rows<{ input: SignInInput | string; used_at: Date | string | null }>(
    sql`SELECT input, used_at FROM ${signinChallenges} WHERE nonce = ${nonce}`,
  );
  if (!row) return null;
  return {
    input: typeof row.input === "string" ? (JSON.parse(row.input) as SignInInput) : row.input,
    usedAt: row.used_at === null ? null : new Date(row.used_at),
  };
}

/**
 * Marks the nonce used; true for exactly one of any number of concurrent callers (the row lock
 * makes the others wait and then see it used).
 */
export async function spendChallenge(tx: Queryable, nonce: string, now: Date): Promise<boolean> {
  const rows = await tx.rows(
    sql`UPDATE ${signinChallenges} SET used_at = ${now} WHERE nonce = ${nonce} AND used_at IS NULL RETURNING nonce`,
  );
  return rows.length > 0;
}

// x402 sign-in (SIWX, lib/x402/siwx.ts) keeps two kinds of rows here, apart from the dashboard's
// challenges by their nonce's prefix: the deployment's nonce key (never expires, never open) and
// each spent proof nonce (until its message expires, then swept with the challenges).
const SIWX_KEY_ROW = "siwx-key:v1";

/** The deployment's SIWX nonce key: `fresh` if this call made the row, else the one already there. */
export async function siwxNonceKey(q: Queryable, fresh: string): Promise<string> {
  await q.rows(sql`
    INSERT INTO ${signinChallenges} (nonce, input, expires_at, used_at, client_address)
    VALUES (${SIWX_KEY_ROW}, ${JSON.stringify({ key: fresh })}, 'infinity'::timestamptz, now(), 'server')
    ON CONFLICT (nonce) DO NOTHING`);
  const [row] = await q.rows<{ input: { key: string } | string }>(
    sql`SELECT input FROM ${signinChallenges} WHERE nonce = ${SIWX_KEY_ROW}`,
  );
  const input = typeof row!.input === "string" ? (JSON.parse(row!.input) as { key: string }) : row!.input;
  return input.key;
}

/** Marks a SIWX proof's nonce spent; true for exactly one of any number of callers (the primary key decides). */
export async function spendSiwxNonce(q: Queryable, nonce: string, expiresAt: Date, now: Date): Promise<boolean> {
  const rows = await q.rows(sql`
    INSERT INTO ${signinChallenges} (nonce, input, expires_at, used_at, created_at, client_address)
    VALUES (${`siwx:${nonce}`}, '{"siwx":true}', ${expiresAt}, ${now}, ${now}, 'siwx')
    ON CONFLICT (nonce) DO NOTHING RETURNING nonce`);
  return rows.length > 0;
}

export interface NewSession {
  tokenHash: string;
  accountId: string;
  expiresAt: Date;
  now: Date;
  userAgent: string | null;
  ip: string | null;
}

export async function insertSession(q: Queryable, s: NewSession): Promise<void> {
  await q.rows(sql`
    INSERT INTO ${sessions} (token_hash, account_id, expires_at, created_at, last_seen_at, user_agent, ip)
    VALUES (${s.tokenHash}, ${s.accountId}, ${s.expiresAt}, ${s.now}, ${s.now}, ${s.userAgent}, ${s.ip})`);
}

/** The unexpired session with this token hash, with its account's wallet. */
export async function findLiveSession(
  q: Queryable,
  tokenHash: string,
  now: Date,
): Promise<{ accountId: string; wallet: string; lastSeenAt: Date } | null> {
  const [row] = await q.rows<{ account_id: string; wallet: string | null; last_seen_at: Date | string }>(sql`
    SELECT account_id, ${walletOf(sql`${sessions.accountId}`)} AS wallet, last_seen_at FROM ${sessions}
    WHERE token_hash = ${tokenHash} AND expires_at > ${now}`);
  // The account cascade-deletes its sessions, so a session without a wallet is a race with that delete.
  if (!row || row.wallet === null) return null;
  return { accountId: row.account_id, wallet: row.wallet, lastSeenAt: new Date(row.last_seen_at) };
}

export async function touchSession(q: Queryable, tokenHash: string, now: Date): Promise<void> {
  await q.rows(sql`UPDATE ${sessions} SET last_seen_at = ${now} WHERE token_hash = ${tokenHash}`);
}

/** Deletes the session with this token hash; returns its account, or null if there was none. */
export async function deleteSessionByTokenHash(tx: Queryable, tokenHash: string): Promise<string | null> {
  const [gone] = await tx.rows<{ account_id: string }>(
    sql`DELETE FROM ${sessions} WHERE token_hash = ${tokenHash} RETURNING account_id`,
  );
  return gone?.account_id ?? null;
}

export interface SessionRow {
  id: string;
  tokenHash: string;
  createdAt: Date;
  lastSeenAt: Date;
  ip: string | null;
  userAgent: string | null;
}

/** The account's unexpired sessions, newest first. */
export async function listLiveSessions(q: Queryable, accountId: string, now: Date): Promise<SessionRow[]> {
  const rows = await q.rows<{
    id: string;
    token_hash: string;
    created_at: Date | string;
    last_seen_at: Date | string;
    ip: string | null;
    user_agent: string | null;
  }>(sql`
    SELECT id, token_hash, created_at, last_seen_at, ip, user_agent FROM ${sessions}
    WHERE account_id = ${accountId} AND expires_at > ${now} ORDER BY created_at DESC, id`);
  return rows.map((r) => ({
    id: r.id,
    tokenHash: r.token_hash,
    createdAt: new Date(r.created_at),
    lastSeenAt: new Date(r.last_seen_at),
    ip: r.ip,
    userAgent: r.user_agent,
  }));
}

/** Deletes one of the account's sessions by its public id; false when the account has no such session. */
export async function deleteSessionById(tx: Queryable, accountId: string, id: string): Promise<boolean> {
  const gone = await tx.rows(sql`DELETE FROM ${sessions} WHERE account_id = ${accountId} AND id = ${id} RETURNING id`);
  return gone.length > 0;
}

/** Deletes every session of the account except the one with this token hash; returns how many. */
export async function deleteOtherSessions(tx: Queryable, accountId: string, keepTokenHash: string): Promise<number> {
  const gone = await tx.rows(
    sql`DELETE FROM ${sessions} WHERE account_id = ${accountId} AND token_hash <> ${keepTokenHash} RETURNING id`,
  );
  return gone.length;
}
