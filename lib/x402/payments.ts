import "server-only";
import type { Queryable } from "@/lib/db";
import { AppError } from "@/lib/errors";

// The replay guard. Verification alone is not replay-safe (a settled payment still verifies, and
// the facilitator's own dedupe lives in one process's memory), so every accepted payment is
// written here, unique by its transaction's message hash, before the model runs.

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
  const rows = await q.query<{ id: string }>(
    `INSERT INTO x402_payments (message_hash, payer, amount, network, status, request_id)
     VALUES ($1, $2, $3, $4, 'accepted', $5)
     ON CONFLICT (message_hash) DO NOTHING
     RETURNING id`,
    [p.messageHash, p.payer, p.amount.toString(), p.network, p.requestId ?? null],
  );
  if (!rows.length) throw new AppError("payment_invalid", "This payment was already used.", { body: { reason: "payment_already_used" } });
  return { id: BigInt(rows[0]!.id) };
}

/**
 * Records the on-chain transaction. With confirmed = false (broadcast, confirmation still
 * pending) the row keeps its status with its transaction set, for recovery to reconcile.
 */
export async function markPaymentSettled(q: Queryable, messageHash: string, transaction: string, confirmed = true): Promise<void> {
  await q.query(
    `UPDATE x402_payments
        SET status = CASE WHEN $3 THEN 'settled' ELSE status END,
            transaction = $2,
            settled_at = CASE WHEN $3 THEN now() ELSE settled_at END
      WHERE message_hash = $1 AND status IN ('accepted', 'settling')`,
    [messageHash, transaction, confirmed],
  );
}

/** The call failed or the payment could not be settled: the payer was not charged. */
export async function markPaymentFailed(q: Queryable, messageHash: string, transaction?: string | null): Promise<void> {
  await q.query(
    `UPDATE x402_payments SET status = 'failed', transaction = COALESCE($2, transaction)
      WHERE message_hash = $1 AND status = 'accepted'`,
    [messageHash, transaction || null],
  );
}

export async function findPayment(
  q: Queryable,
  messageHash: string,
): Promise<{ status: X402PaymentStatus; payer: string; amount: bigint; transaction: string | null; requestId: string | null } | null> {
  const rows = await q.query<{ status: X402PaymentStatus; payer: string; amount: string; transaction: string | null; request_id: string | null }>(
    "SELECT status, payer, amount, transaction, request_id FROM x402_payments WHERE message_hash = $1",
    [messageHash],
  );
  const r = rows[0];
  return r ? { status: r.status, payer: r.payer, amount: BigInt(r.amount), transaction: r.transaction, requestId: r.request_id } : null;
}
