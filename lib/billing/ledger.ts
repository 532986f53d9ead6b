import "server-only";
import { randomUUID } from "node:crypto";
import { getDb, type Queryable } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { LedgerKind } from "@/lib/db/schema/billing";

export interface LedgerEntryInput {
  accountId: string;
  /** Signed micro-USD: positive credits, negative debits. */
  amountMicro: bigint;
  kind: LedgerKind;
  /** Unique per real-world event; a second entry with the same reference is a no-op. */
  reference: string;
  meta?: Record<string, unknown>;
  /** The debit is drawn from balance already held for calls in flight (gateway settlement). */
  fromHold?: boolean;
}

export interface LedgerResult {
  applied: boolean;
  balanceMicro: bigint;
}

/**
 * The one way a balance changes: the entry and the balance move together inside the caller's
 * transaction. The unique reference makes every entry idempotent.
 */
export async function applyLedgerEntry(tx: Queryable, e: LedgerEntryInput): Promise<LedgerResult> {
  const inserted = await tx.query<{ id: string }>(
    `INSERT INTO ledger_entries (account_id, amount_micro, kind, reference, meta)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (reference) DO NOTHING RETURNING id`,
    [e.accountId, e.amountMicro.toString(), e.kind, e.reference, e.meta ? JSON.stringify(e.meta) : null],
  );
  if (inserted.length === 0) {
    const [row] = await tx.query<{ balance_micro: string }>("SELECT balance_micro FROM accounts WHERE id = $1", [e.accountId]);
    return { applied: false, balanceMicro: BigInt(row?.balance_micro ?? 0) };
  }
  const held = e.fromHold ? e.amountMicro.toString() : "0";
  // A debit never takes money that is held for calls in flight by another instance.
  const [row] = await tx.query<{ balance_micro: string }>(
    `UPDATE accounts SET balance_micro = balance_micro + $2, held_micro = held_micro + $3
     WHERE id = $1 AND balance_micro + $2 >= held_micro + $3 RETURNING balance_micro`,
    [e.accountId, e.amountMicro.toString(), held],
  );
  if (!row) throw new AppError("insufficient_balance", "The balance does not cover this amount.");
  return { applied: true, balanceMicro: BigInt(row.balance_micro) };
}

/** Convenience for a single entry in its own transaction (operators, tests, deposits). */
export async function postLedgerEntry(e: LedgerEntryInput): Promise<LedgerResult> {
  const db = await getDb();
  return db.transaction((tx) => applyLedgerEntry(tx, e));
}

export async function ensureAccount(q: Queryable, wallet: string): Promise<string> {
  const [row] = await q.query<{ id: string }>(
    "INSERT INTO accounts (wallet) VALUES ($1) ON CONFLICT (wallet) DO UPDATE SET wallet = EXCLUDED.wallet RETURNING id",
    [wallet],
  );
  return row!.id;
}

/** Operator credit or debit: an `adjustment` entry with a reason. */
export async function adjustBalance(wallet: string, amountMicro: bigint, reason: string): Promise<LedgerResult & { accountId: string }> {
  if (!reason.trim()) throw new AppError("invalid_request", "An adjustment needs a reason.");
  const db = await getDb();
  return db.transaction(async (tx) => {
    const accountId = await ensureAccount(tx, wallet);
    const r = await applyLedgerEntry(tx, { accountId, amountMicro, kind: "adjustment", reference: `adjustment:${randomUUID()}`, meta: { reason } });
    return { ...r, accountId };
  });
}
