import "server-only";
import { sql, type SQL } from "drizzle-orm";
import type { Queryable } from "@/lib/db";
import { accounts, ledgerEntries, type LedgerKind } from "@/lib/db/schema";

// The owner of `accounts` and `ledger_entries`: one tight group, since every balance change is a
// ledger entry written in the same transaction. No other module reads or writes these tables
// (the gateway's hold/settle SQL on the hold columns lives in lib/billing/balance-holds.ts and
// lib/billing/batch-charges.ts); others call the functions here or compose the fragments below.

/** bigint columns come back as string (pg) or number/bigint (PGlite); BigInt() takes all three. */
type Int8 = string | number | bigint;

export interface LedgerRow {
  accountId: string;
  /** Signed micro-USD: positive credits, negative debits. */
  amountMicro: bigint;
  kind: LedgerKind;
  reference: string;
  meta: Record<string, unknown> | null;
  /** The debit is drawn from balance already held for calls in flight. */
  fromHold: boolean;
}

/** Inserts the entry unless its reference exists; true when it was new. */
export async function insertLedgerEntry(tx: Queryable, e: Omit<LedgerRow, "fromHold">): Promise<boolean> {
  const inserted = await tx.rows<{ id: Int8 }>(sql`
    INSERT INTO ${ledgerEntries} (account_id, amount_micro, kind, reference, meta)
    VALUES (${e.accountId}, ${e.amountMicro.toString()}, ${e.kind}, ${e.reference}, ${e.meta ? JSON.stringify(e.meta) : null})
    ON CONFLICT (reference) DO NOTHING RETURNING id`);
  return inserted.length > 0;
}

/**
 * Moves the balance (and, for a debit from a hold, the held part) by the entry's amount; null when
 * the account is missing or a debit would take money held for calls in flight by another instance.
 */
export async function moveBalance(
  tx: Queryable,
  accountId: string,
  amountMicro: bigint,
  fromHold: boolean,
): Promise<bigint | null> {
  const amount = amountMicro.toString();
  const held = fromHold ? amount : "0";
  const [row] = await tx.rows<{ balance_micro: Int8 }>(sql`
    UPDATE ${accounts} SET balance_micro = balance_micro + ${amount}, held_micro = held_micro + ${held}
    WHERE id = ${accountId} AND balance_micro + ${amount} >= held_micro + ${held} RETURNING balance_micro`);
  return row ? BigInt(row.balance_micro) : null;
}

/** The account's balance (0 for an unknown account). */
export async function balanceOf(q: Queryable, accountId: string): Promise<bigint> {
  const [row] = await q.rows<{ balance_micro: Int8 }>(
    sql`SELECT balance_micro FROM ${accounts} WHERE id = ${accountId}`,
  );
  return BigInt(row?.balance_micro ?? 0);
}

/** The one place an account is created: by wallet, idempotently; returns its id. */
export async function ensureAccount(q: Queryable, wallet: string): Promise<string> {
  const [row] = await q.rows<{ id: string }>(sql`
    INSERT INTO ${accounts} (wallet) VALUES (${wallet})
    ON CONFLICT (wallet) DO UPDATE SET wallet = EXCLUDED.wallet RETURNING id`);
  return row!.id;
}

/** The account of `wallet`, or null when it has none (never creates one). */
export async function accountIdOfWallet(q: Queryable, wallet: string): Promise<string | null> {
  const [row] = await q.rows<{ id: string }>(sql`SELECT id FROM ${accounts} WHERE wallet = ${wallet}`);
  return row?.id ?? null;
}

/**
 * Locks the account row until the caller's transaction ends, so per-account checks (open top-ups,
 * active keys) of concurrent requests count each other; false when there is no such account.
 */
export async function lockAccount(tx: Queryable, accountId: string): Promise<boolean> {
  const rows = await tx.rows(sql`SELECT id FROM ${accounts} WHERE id = ${accountId} FOR UPDATE`);
  return rows.length > 0;
}

export interface AccountRow {
  wallet: string;
  balanceMicro: bigint;
  lowBalanceThresholdMicro: bigint;
}

export async function findAccount(q: Queryable, accountId: string): Promise<AccountRow | null> {
  const [row] = await q.rows<{ wallet: string; balance_micro: Int8; low_balance_threshold_micro: Int8 }>(sql`
    SELECT wallet, balance_micro, low_balance_threshold_micro FROM ${accounts} WHERE id = ${accountId}`);
  if (!row) return null;
  return {
    wallet: row.wallet,
    balanceMicro: BigInt(row.balance_micro),
    lowBalanceThresholdMicro: BigInt(row.low_balance_threshold_micro),
  };
}

/** Sets the low-balance alert level; null when there is no such account. */
export async function setLowBalanceThresholdMicro(
  q: Queryable,
  accountId: string,
  thresholdMicro: bigint,
): Promise<bigint | null> {
  const [row] = await q.rows<{ t: string }>(sql`
    UPDATE ${accounts} SET low_balance_threshold_micro = ${thresholdMicro.toString()} WHERE id = ${accountId}
    RETURNING low_balance_threshold_micro::text AS t`);
  return row ? BigInt(row.t) : null;
}

/** A scalar subquery: the wallet of the account whose id is `accountId` (a column or a value). */
export function walletOf(accountId: SQL | string): SQL {
  return sql`(SELECT wallet FROM ${accounts} WHERE id = ${accountId})`;
}

/** How many accounts there are (operator scripts). */
export async function countAccounts(q: Queryable): Promise<number> {
  const [row] = await q.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM ${accounts}`);
  return row!.n;
}

/** Totals over every account (operator stats). */
export async function accountTotals(
  q: Queryable,
): Promise<{ accounts: number; balanceMicro: bigint; heldMicro: bigint }> {
  const [row] = await q.rows<{ n: number; bal: string; held: string }>(sql`
    SELECT count(*)::int AS n, COALESCE(sum(balance_micro), 0)::text AS bal, COALESCE(sum(held_micro), 0)::text AS held
    FROM ${accounts}`);
  return { accounts: row!.n, balanceMicro: BigInt(row!.bal), heldMicro: BigInt(row!.held) };
}

/** Σ ledger entries of one kind over all accounts (chaos check: deposits vs usage). */
export async function ledgerSumByKind(q: Queryable, kind: LedgerKind): Promise<bigint> {
  const [row] = await q.rows<{ s: string }>(
    sql`SELECT COALESCE(sum(amount_micro), 0)::text AS s FROM ${ledgerEntries} WHERE kind = ${kind}`,
  );
  return BigInt(row!.s);
}

/** How many top-up entries credit the given top-up intent (a deposit must count exactly once). */
export async function countTopupEntries(q: Queryable, topupId: string): Promise<number> {
  const [row] = await q.rows<{ n: number }>(sql`
    SELECT count(*)::int AS n FROM ${ledgerEntries} WHERE kind = 'topup' AND meta->>'topupId' = ${topupId}`);
  return row!.n;
}

/**
 * The books per account for the ledger check, as one statement: `extra` adds columns computed by
 * other owners from `accountId` (the account id column), so the whole check reads one snapshot.
 */
export async function accountBooks<T extends Record<string, unknown>>(
  q: Queryable,
  extra: (accountId: SQL) => SQL,
): Promise<({ wallet: string; balance: Int8; held: Int8; entries: Int8; usage_entries: Int8 } & T)[]> {
  const id = sql`a.id`;
  return q.rows(sql`
    SELECT a.wallet, a.balance_micro AS balance, a.held_micro AS held,
      COALESCE((SELECT sum(amount_micro) FROM ${ledgerEntries} l WHERE l.account_id = a.id), 0) AS entries,
      COALESCE((SELECT -sum(amount_micro) FROM ${ledgerEntries} l WHERE l.account_id = a.id AND l.kind = 'usage'), 0) AS usage_entries,
      ${extra(id)}
    FROM ${accounts} a`);
}
