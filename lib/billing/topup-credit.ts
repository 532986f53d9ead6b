import "server-only";
import { getDb, type Queryable } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { applyLedgerEntry } from "./ledger";
import { balanceOf } from "./accounts-store";
import { lockTopup, markCredited, setFailureReason, signatureUsedElsewhere } from "./topups-store";
import { fetchAndCheckDeposit, type DepositVerdict } from "./deposit-verify";
import { chainError, expectationFor, ownedTopup, toView, type TopupRow, type TopupView } from "./topups";
import { recordActivity, type RequestOrigin } from "@/lib/activity/events";

export type ConfirmResult =
  { credited: true; topup: TopupView; balanceMicro: bigint } | { credited: false; topup: TopupView };

const ALREADY_CREDITED = "This transaction was already credited to another top-up.";

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string })?.code === "23505";
}

/**
 * Credits one verified deposit inside the caller's transaction. The intent row is locked, so of
 * any number of concurrent callers exactly one credits and the rest see it credited. The unique
 * signature column and the ledger's unique reference make a signature count once across intents.
 */
export async function creditTopup(
  tx: Queryable,
  id: string,
  signature: string,
  verdict: Extract<DepositVerdict, { ok: true }>,
  origin: RequestOrigin = {},
): Promise<{ applied: boolean; row: TopupRow; balanceMicro: bigint }> {
  const row = await lockTopup(tx, id);
  if (!row) throw new AppError("not_found", "Top-up not found.");
  if (row.status === "credited") {
    if (row.signature !== signature)
      throw new AppError("deposit_invalid", "This top-up was already credited by another transaction.");
    return { applied: false, row, balanceMicro: await balanceOf(tx, row.account_id) };
  }
  if (await signatureUsedElsewhere(tx, signature, id)) throw new AppError("deposit_invalid", ALREADY_CREDITED);
  const credited = await markCredited(tx, id, signature);
  const entry = await applyLedgerEntry(tx, {
    accountId: row.account_id,
    amountMicro: BigInt(row.credit_micro),
    kind: "topup",
    reference: `topup:${signature}`,
    meta: {
      topupId: id,
      token: row.token,
      mint: row.mint,
      amount: BigInt(row.amount).toString(),
      received: verdict.received.toString(),
      slot: verdict.slot,
    },
  });
  // The signature column is unique, so the ledger reference can only exist if the books were edited by hand.
  if (!entry.applied) throw new Error(`ledger entry topup:${signature} exists without a credited top-up`);
  await recordActivity(tx, {
    accountId: row.account_id,
    kind: "topup_credited",
    ...origin,
    details: { topupId: id, token: row.token, creditMicro: BigInt(row.credit_micro).toString(), signature },
  });
  return { applied: true, row: credited, balanceMicro: entry.balanceMicro };
}

/** creditTopup in its own transaction, with a concurrent double use of the signature answered as invalid. */
export async function creditInTransaction(
  id: string,
  signature: string,
  verdict: Extract<DepositVerdict, { ok: true }>,
  origin: RequestOrigin = {},
) {
  const db = await getDb();
  try {
    return await db.transaction((tx) => creditTopup(tx, id, signature, verdict, origin));
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError("deposit_invalid", ALREADY_CREDITED);
    throw err;
  }
}

/** Remembers why the latest attempt failed, for the history; the intent stays payable. */
export async function recordFailure(q: Queryable, id: string, reason: string): Promise<void> {
  await setFailureReason(q, id, reason);
}

/** POST /api/topups/{id}/confirm: verify the named transaction against the intent and credit it once. */
export async function confirmTopup(
  accountId: string,
  id: string,
  signature: string,
  origin: RequestOrigin = {},
): Promise<ConfirmResult> {
  const db = await getDb();
  const row = await ownedTopup(db, accountId, id);
  if (row.status === "credited") {
    if (row.signature !== signature)
      throw new AppError("deposit_invalid", "This top-up was already credited by another transaction.");
    return { credited: true, topup: toView(row), balanceMicro: await balanceOf(db, accountId) };
  }
  const expectation = await expectationFor(row);
  // The chain read and the "used elsewhere?" lookup are independent; run them side by side.
  const [taken, verdict] = await Promise.all([
    signatureUsedElsewhere(db, signature, id),
    fetchAndCheckDeposit(signature, expectation).catch((err: unknown) => ({ error: err })),
  ]);
  if (taken) throw new AppError("deposit_invalid", ALREADY_CREDITED);
  if (verdict && "error" in verdict) chainError(verdict.error, row.token);
  if (!verdict) return { credited: false, topup: toView(row) };
  if (!verdict.ok) {
    await recordFailure(db, id, verdict.reason);
    throw new AppError("deposit_invalid", verdict.reason);
  }
  const done = await creditInTransaction(id, signature, verdict, origin);
  return { credited: true, topup: toView(done.row), balanceMicro: done.balanceMicro };
}
