import "server-only";
import { getDb, type DbHandle, type Queryable } from "@/lib/db";
import { ensureAccount } from "@/lib/billing/accounts-store";
import { insertX402Usage, markUsageUnpaid } from "@/lib/usage/store";
import type { CallMeasures } from "@/lib/usage/call-measures";
import { failOpenPayment, markPaymentSettling, markSettlingSettled, stalePayments } from "./payments";
import { env } from "@/lib/env";
import { logger } from "@/lib/log";

// Record first, settle second (README.md, "Settle order"). The paid call's usage row is written
// in its own transaction together with the payment's move to `settling`, before anything is
// broadcast; a settlement that fails is undone in one transaction; recovery finishes or undoes
// what a dead process left behind.

export interface PaidUsage extends CallMeasures {
  /** The usage event id the gateway drew for the call (its completion id). */
  id: bigint;
  payer: string;
  requestId: string;
  at: Date;
}

/** Writes the call's usage (status 200, the quoted price) and marks the payment `settling`. */
export async function recordPaidUsage(db: DbHandle, messageHash: string, u: PaidUsage): Promise<bigint> {
  return db.transaction(async (tx) => {
    const accountId = await ensureAccount(tx, u.payer);
    const usageId = await insertX402Usage(tx, { ...u, accountId });
    const moved = await markPaymentSettling(tx, messageHash, usageId);
    // Recovery already gave this payment up: roll the usage row back, settle nothing.
    if (!moved) throw new Error("x402 payment is no longer accepted");
    return usageId;
  });
}

/**
 * The payment will not be (or was not) collected: in one transaction the payment becomes
 * `failed` and its usage row, if any, a 402 at no cost. Does nothing to a settled payment.
 */
export async function failPaidCall(db: DbHandle, messageHash: string, transaction?: string | null): Promise<void> {
  await db.transaction(async (tx) => {
    const failed = await failOpenPayment(tx, messageHash, transaction);
    if (failed?.usageId) await markUsageUnpaid(tx, failed.usageId);
  });
}

export type SignatureState = "landed" | "failed" | "unknown";

/** Asks the cluster what became of a transaction (searching its history, not just recent ones). */
export async function signatureState(signature: string, rpcUrl = env().rpcUrl): Promise<SignatureState> {
  const res = await fetch(rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "getSignatureStatuses",
      params: [[signature], { searchTransactionHistory: true }],
    }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await res.json()) as { result?: { value: ({ err: unknown; confirmationStatus?: string } | null)[] } };
  const s = body.result?.value?.[0];
  if (s === undefined) return "unknown";
  if (s === null) return "failed";
  if (s.err) return "failed";
  return s.confirmationStatus === "confirmed" || s.confirmationStatus === "finalized" ? "landed" : "unknown";
}

// Longer than any payment's blockhash lifetime (~60-90 s) plus the model budget: a transaction
// not on chain by then never will be.
export const X402_RECOVER_AFTER_MS = 10 * 60_000;

/**
 * Finishes or undoes payments a dead process left: `accepted` (never broadcast) → failed;
 * `settling` with a known transaction → settled if it landed, else failed and the usage undone.
 * `settling` without a transaction (the process died inside the facilitator's settle) cannot be
 * decided from our records and is returned for an operator (README.md).
 */
export async function recoverX402Payments(
  opts: { olderThanMs?: number; state?: (signature: string) => Promise<SignatureState> } = {},
): Promise<{ settled: number; failed: number; undecided: string[] }> {
  const db = await getDb();
  const state = opts.state ?? ((sig: string) => signatureState(sig));
  const rows = await stalePayments(db, (opts.olderThanMs ?? X402_RECOVER_AFTER_MS) / 1000);
  const out = { settled: 0, failed: 0, undecided: [] as string[] };
  for (const r of rows) {
    if (r.status === "accepted") {
      await failPaidCall(db, r.messageHash);
      out.failed++;
    } else if (!r.transaction) {
      out.undecided.push(r.messageHash);
    } else {
      const s = await state(r.transaction);
      if (s === "landed") {
        await markSettlingSettled(db, r.messageHash);
        out.settled++;
      } else if (s === "failed") {
        await failPaidCall(db, r.messageHash);
        out.failed++;
      } else out.undecided.push(r.messageHash);
    }
  }
  if (out.undecided.length) logger().warn({ undecided: out.undecided }, "x402 payments left settling need an operator");
  return out;
}

/** Runs recovery every few minutes on this instance (conditional updates: instances may overlap). */
export function startX402Recovery(everyMs = X402_RECOVER_AFTER_MS / 2): { stop(): void } {
  const run = () => void recoverX402Payments().catch((err: unknown) => logger().warn({ err }, "x402 recovery failed"));
  const timer = setInterval(run, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
