import "server-only";
import { sql } from "drizzle-orm";
import type { Queryable } from "@/lib/db";
import { x402Payments } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";

// The replay guard. Verification alone is not replay-safe (a settled payment still verifies, and
// the facilitator's own dedupe lives in one process's memory), so every accepted payment is
// written here, unique by its transaction's message hash, before the model runs.
// This module is the owner of `x402_payments`; settling.ts and the operator scripts call it.

export type X402PaymentStatus = "accepted" | "settling" | "settled" | "failed";

export interface AcceptedPayment {
  messageHash: string;
  payer: string;
  amount: bigint;
  network: string;
  requestId?: string | null;
}

/** Claims the payment for this request; a payment seen before (in any state) → payment_invalid. */
export async function recordAcceptedPayment(q: Queryable, p: AcceptedPayment): Promise<{ id: bigint }> {
  const rows = await q.rows<{ id: string | bigint }>(sql`
    INSERT INTO ${x402Payments} (message_hash, payer, amount, network, status, request_id)
    VALUES (${p.messageHash}, ${p.payer}, ${p.amount.toString()}, ${p.network}, 'accepted', ${p.requestId ?? null})
    ON CONFLICT (message_hash) DO NOTHING
    RETURNING id`);
  if (!rows.length)
    throw new AppError("payment_invalid", "This payment was already used.", {
      body: { reason: "payment_already_used" },
    });
  return { id: BigInt(rows[0]!.id) };
}

/**
 * Records the on-chain transaction. With confirmed = false (broadcast, confirmation still
 * pending) the row keeps its status with its transaction set, for recovery to reconcile.
 */
export async function markPaymentSettled(
  q: Queryable,
  messageHash: string,
  transaction: string,
  confirmed = true,
): Promise<void> {
  await q.rows(sql`
    UPDATE ${x402Payments}
       SET status = CASE WHEN ${confirmed}::boolean THEN 'settled' ELSE status END,
           transaction = ${transaction},
           settled_at = CASE WHEN ${confirmed}::boolean THEN now() ELSE settled_at END
     WHERE message_hash = ${messageHash} AND status IN ('accepted', 'settling')`);
}

/** The call failed or the payment could not be settled: the payer was not charged. */
export async function markPaymentFailed(q: Queryable, messageHash: string, transaction?: string | null): Promise<void> {
  await q.rows(sql`
    UPDATE ${x402Payments} SET status = 'failed', transaction = COALESCE(${transaction || null}, transaction)
     WHERE message_hash = ${messageHash} AND status = 'accepted'`);
}

export async function findPayment(
  q: Queryable,
  messageHash: string,
): Promise<{
  status: X402PaymentStatus;
  payer: string;
  amount: bigint;
  transaction: string | null;
  requestId: string | null;
} | null> {
  const rows = await q.rows<{
    status: X402PaymentStatus;
    payer: string;
    amount: string | bigint;
    transaction: string | null;
    request_id: string | null;
  }>(
    sql`SELECT status, payer, amount, transaction, request_id FROM ${x402Payments} WHERE message_hash = ${messageHash}`,
  );
  const r = rows[0];
  return r
    ? {
        status: r.status,
        payer: r.payer,
        amount: BigInt(r.amount),
        transaction: r.transaction,
        requestId: r.request_id,
      }
    : null;
}

/** The paid call's usage is recorded: accepted → settling, linked to it; false if no longer accepted. */
export async function markPaymentSettling(tx: Queryable, messageHash: string, usageId: bigint): Promise<boolean> {
  const moved = await tx.rows(sql`
    UPDATE ${x402Payments} SET status = 'settling', usage_id = ${usageId.toString()}
     WHERE message_hash = ${messageHash} AND status = 'accepted' RETURNING 1`);
  return moved.length > 0;
}

/**
 * An accepted or settling payment becomes failed; returns whether it did and its usage row, if
 * any (for the caller to undo in the same transaction). A settled payment is left alone.
 */
export async function failOpenPayment(
  tx: Queryable,
  messageHash: string,
  transaction?: string | null,
): Promise<{ usageId: string | null } | null> {
  const [row] = await tx.rows<{ usage_id: string | bigint | null }>(sql`
    UPDATE ${x402Payments} SET status = 'failed', transaction = COALESCE(${transaction || null}, transaction)
     WHERE message_hash = ${messageHash} AND status IN ('accepted', 'settling') RETURNING usage_id`);
  return row ? { usageId: row.usage_id === null ? null : String(row.usage_id) } : null;
}

/** A settling payment whose transaction landed. */
export async function markSettlingSettled(q: Queryable, messageHash: string): Promise<void> {
  await q.rows(sql`
    UPDATE ${x402Payments} SET status = 'settled', settled_at = now()
     WHERE message_hash = ${messageHash} AND status = 'settling'`);
}

/** Payments still accepted or settling after `olderThanSeconds`, oldest first (recovery). */
export async function stalePayments(
  q: Queryable,
  olderThanSeconds: number,
  limit = 500,
): Promise<{ messageHash: string; status: X402PaymentStatus; transaction: string | null }[]> {
  const rows = await q.rows<{ message_hash: string; status: X402PaymentStatus; transaction: string | null }>(sql`
    SELECT message_hash, status, transaction FROM ${x402Payments}
     WHERE status IN ('accepted', 'settling') AND created_at < now() - make_interval(secs => ${olderThanSeconds})
     ORDER BY id LIMIT ${limit}`);
  return rows.map((r) => ({ messageHash: r.message_hash, status: r.status, transaction: r.transaction }));
}

/** Count and Σ amount per status (operator stats). */
export async function paymentTotalsByStatus(
  q: Queryable,
): Promise<{ status: X402PaymentStatus; count: bigint; amount: bigint }[]> {
  const rows = await q.rows<{ status: X402PaymentStatus; n: string | bigint; amount: string | bigint }>(sql`
    SELECT status, count(*) AS n, COALESCE(sum(amount), 0) AS amount FROM ${x402Payments} GROUP BY status ORDER BY status`);
  return rows.map((r) => ({ status: r.status, count: BigInt(r.n), amount: BigInt(r.amount) }));
}
