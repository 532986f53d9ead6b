import "server-only";
import { randomUUID } from "node:crypto";
import { getDb, type Queryable } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { LedgerKind } from "@/lib/db/schema/billing";
import { balanceOf, ensureAccount, insertLedgerEntry, moveBalance } from "./accounts-store";

// The account creation lives in the accounts store; re-exported for existing callers.
export { ensureAccount };

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
  const applied = await insertLedgerEntry(tx, {
    accountId: e.accountId,
    amountMicro: e.amountMicro,
    kind: e.kind,
    reference: e.reference,
    meta: e.meta ?? null,
  });
  if (!applied) return { applied: false, balanceMicro: await balanceOf(tx, e.accountId) };
  const balanceMicro = await moveBalance(tx, e.accountId, e.amountMicro, e.fromHold ?? false);
  if (balanceMicro === null) throw new AppError("insufficient_balance", "The balance does not cover this amount.");
  return { applied: true, balanceMicro };
}

/** Convenience for a single entry in its own transaction (operators, tests, deposits). */
export async function postLedgerEntry(e: LedgerEntryInput): Promise<LedgerResult> {
  const db = await getDb();
  return db.transaction((tx) => applyLedgerEntry(tx, e));
}

/** Operator credit or debit: an `adjustment` entry with a reason. */
export async function adjustBalance(
  wallet: string,
  amountMicro: bigint,
  reason: string,
): Promise<LedgerResult & { accountId: string }> {
  if (!reason.trim()) throw new AppError("invalid_request", "An adjustment needs a reason.");
  const db = await getDb();
  return db.transaction(async (tx) => {
    const accountId = await ensureAccount(tx, wallet);
    const r = await applyLedgerEntry(tx, {
      accountId,
      amountMicro,
      kind: "adjustment",
      reference: `adjustment:${randomUUID()}`,
      meta: { reason },
    });
    return { ...r, accountId };
  });
}
