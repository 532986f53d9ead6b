import "server-only";
import { sql } from "drizzle-orm";
import type { Queryable } from "@/lib/db";
import { topups } from "@/lib/db/schema";
import type { TopupToken } from "./price-source";

// The owner of `topups`: deposit intents, their credit state and the reconciler's schedule.
// Rows come back as stored (snake_case); bigint columns as string or bigint depending on the driver.

export interface TopupRow {
  id: string;
  account_id: string;
  token: TopupToken;
  mint: string;
  decimals: number;
  amount: string | bigint;
  credit_micro: string | bigint;
  price_usd: string;
  reference: string;
  memo: string;
  status: "pending" | "credited" | "expired";
  signature: string | null;
  failure_reason: string | null;
  expires_at: Date | string;
  created_at: Date | string;
  credited_at: Date | string | null;
  next_check_at: Date | string;
  check_attempts: number;
  seen_at: Date | string | null;
  scan_cursor: string | null;
}

export interface NewTopup {
  id: string;
  accountId: string;
  token: TopupToken;
  mint: string;
  decimals: number;
  amount: bigint;
  creditMicro: bigint;
  priceUsd: string;
  reference: string;
  memo: string;
  expiresAt: Date;
  now: Date;
}

/** Unpaid, unexpired intents of the account. */
export async function countOpenTopups(q: Queryable, accountId: string, now: Date): Promise<number> {
  const [row] = await q.rows<{ n: number }>(sql`
    SELECT count(*)::int AS n FROM ${topups} WHERE account_id = ${accountId} AND status = 'pending' AND expires_at > ${now}`);
  return row?.n ?? 0;
}

export async function insertTopup(q: Queryable, t: NewTopup): Promise<TopupRow> {
  const [row] = await q.rows<TopupRow>(sql`
    INSERT INTO ${topups} (id, account_id, token, mint, decimals, amount, credit_micro, price_usd, reference, memo, status, expires_at, created_at, next_check_at)
    VALUES (${t.id}, ${t.accountId}, ${t.token}, ${t.mint}, ${t.decimals}, ${t.amount.toString()}, ${t.creditMicro.toString()},
            ${t.priceUsd}, ${t.reference}, ${t.memo}, 'pending', ${t.expiresAt}, ${t.now}, ${t.now})
    RETURNING *`);
  return row!;
}

/** The account's intents, newest first. */
export async function listTopupRows(q: Queryable, accountId: string, limit: number): Promise<TopupRow[]> {
  return q.rows<TopupRow>(sql`
    SELECT * FROM ${topups} WHERE account_id = ${accountId} ORDER BY created_at DESC, id DESC LIMIT ${limit}`);
}

/** One intent, only if it belongs to the account. */
export async function findOwnedTopup(q: Queryable, accountId: string, id: string): Promise<TopupRow | null> {
  const [row] = await q.rows<TopupRow>(sql`SELECT * FROM ${topups} WHERE id = ${id} AND account_id = ${accountId}`);
  return row ?? null;
}

/** One intent by id (operator checks). */
export async function findTopup(q: Queryable, id: string): Promise<TopupRow | null> {
  const [row] = await q.rows<TopupRow>(sql`SELECT * FROM ${topups} WHERE id = ${id}`);
  return row ?? null;
}

/** The intent, locked until the caller's transaction ends. */
export async function lockTopup(tx: Queryable, id: string): Promise<TopupRow | null> {
  const [row] = await tx.rows<TopupRow>(sql`SELECT * FROM ${topups} WHERE id = ${id} FOR UPDATE`);
  return row ?? null;
}

/** Whether another intent already holds this signature. */
export async function signatureUsedElsewhere(q: Queryable, signature: string, id: string): Promise<boolean> {
  const rows = await q.rows(sql`SELECT 1 FROM ${topups} WHERE signature = ${signature} AND id <> ${id}`);
  return rows.length > 0;
}

/** Which of the signatures other intents already hold. */
export async function signaturesUsedElsewhere(q: Queryable, signatures: string[], id: string): Promise<Set<string>> {
  const rows = await q.rows<{ signature: string }>(sql`
    SELECT signature FROM ${topups} WHERE signature = ANY(${sql.param(signatures)}::text[]) AND id <> ${id}`);
  return new Set(rows.map((r) => r.signature));
}

export async function markCredited(tx: Queryable, id: string, signature: string): Promise<TopupRow> {
  const [row] = await tx.rows<TopupRow>(sql`
    UPDATE ${topups} SET status = 'credited', signature = ${signature}, credited_at = now(), failure_reason = NULL
    WHERE id = ${id} RETURNING *`);
  return row!;
}

/** Remembers why the latest attempt failed; a credited intent keeps its record clean. */
export async function setFailureReason(q: Queryable, id: string, reason: string): Promise<void> {
  await q.rows(sql`UPDATE ${topups} SET failure_reason = ${reason} WHERE id = ${id} AND status <> 'credited'`);
}

/** Closes a still-pending intent as expired; false when it was no longer pending. */
export async function expireTopup(q: Queryable, id: string, reason: string): Promise<boolean> {
  const closed = await q.rows(sql`
    UPDATE ${topups} SET status = 'expired', failure_reason = ${reason} WHERE id = ${id} AND status = 'pending' RETURNING id`);
  return closed.length > 0;
}

export interface NextCheck {
  cursor: string | null;
  reason: string | null;
  attempts: number;
  nextCheckAt: Date;
  /** Every signature naming the reference was judged: leave the seen lane. */
  complete: boolean;
  now: Date;
}

/** The reconciler's bookkeeping after a look at a pending intent. */
export async function scheduleNextCheck(q: Queryable, id: string, n: NextCheck): Promise<void> {
  await q.rows(sql`
    UPDATE ${topups} SET scan_cursor = ${n.cursor}, failure_reason = COALESCE(${n.reason}, failure_reason),
      check_attempts = ${n.attempts}, next_check_at = ${n.nextCheckAt},
      seen_at = CASE WHEN ${n.complete}::boolean THEN NULL ELSE COALESCE(seen_at, ${n.now}) END
    WHERE id = ${id} AND status = 'pending'`);
}

// Lane 1: intents whose reference has signatures still to judge (or a payment that could not be
// credited yet). Lane 2: the rest, oldest due first. Rows are locked, skipping those another
// instance holds, until the caller's transaction ends.

export async function claimSeenLane(q: Queryable, limit: number): Promise<TopupRow[]> {
  return q.rows<TopupRow>(sql`
    SELECT * FROM ${topups} WHERE status = 'pending' AND seen_at IS NOT NULL ORDER BY seen_at, id LIMIT ${limit}
    FOR UPDATE SKIP LOCKED`);
}

export async function claimDueLane(q: Queryable, limit: number, now: Date): Promise<TopupRow[]> {
  return q.rows<TopupRow>(sql`
    SELECT * FROM ${topups} WHERE status = 'pending' AND seen_at IS NULL AND next_check_at <= ${now}
    ORDER BY next_check_at, created_at, id LIMIT ${limit} FOR UPDATE SKIP LOCKED`);
}
