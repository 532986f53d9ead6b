import "server-only";
import type { Queryable } from "@/lib/db";
import { allSignaturesForAddress, getTransaction, type RpcSignatureInfo } from "@/lib/solana/rpc";
import { checkDeposit, type DepositVerdict } from "./deposit-verify";
import { expectationFor, type TopupRow } from "./topups";
import { signaturesUsedElsewhere } from "./topups-store";

// Finds an intent's payment among every transaction that names its reference, however many
// others name it too (anyone can send a transaction naming a reference: failed ones, dust,
// the wrong mint or destination). Signatures are judged oldest first and the newest one judged
// for good is kept as a cursor, so each signature is fetched once, not once per pass, and a
// pile of junk can neither hide the payment nor make each pass slower.

export type OkVerdict = Extract<DepositVerdict, { ok: true }>;

export interface ScanResult {
  /** The oldest valid payment not yet credited elsewhere; the cursor stops just before it. */
  payment: { signature: string; verdict: OkVerdict } | null;
  /** Newest signature judged for good (it and everything older). */
  cursor: string | null;
  /** Why the newest refused transaction was refused, if any was. */
  reason: string | null;
  /** Every signature naming the reference up to now was judged (or a payment was found). */
  complete: boolean;
  /** Signatures past the old cursor were found this pass. */
  fresh: boolean;
}

export interface ScanOptions {
  timeoutMs: number;
  /** Signatures per getSignaturesForAddress page (the node's maximum is 1000). */
  pageSize?: number;
  /** Transactions fetched per intent per pass; the rest wait for the next pass. */
  maxFetches?: number;
}

const FAILED = "This transaction failed on chain, so nothing was transferred.";
export const ALREADY_CREDITED = "This transaction was already credited to another top-up.";

async function creditedElsewhere(q: Queryable, row: TopupRow, sigs: RpcSignatureInfo[]): Promise<Set<string>> {
  if (!sigs.length) return new Set();
  return signaturesUsedElsewhere(
    q,
    sigs.map((s) => s.signature),
    row.id,
  );
}

export async function scanReference(q: Queryable, row: TopupRow, opts: ScanOptions): Promise<ScanResult> {
  const listed = await allSignaturesForAddress(row.reference, {
    until: row.scan_cursor ?? undefined,
    pageSize: opts.pageSize,
    timeoutMs: opts.timeoutMs,
  });
  const result: ScanResult = {
    payment: null,
    cursor: row.scan_cursor,
    reason: null,
    complete: listed.complete,
    fresh: listed.signatures.length > 0,
  };
  if (!listed.signatures.length) return result;
  const oldestFirst = [...listed.signatures].reverse();
  const taken = await creditedElsewhere(q, row, oldestFirst);
  // With pages left unread, older signatures are unknown: judge what is here, but move no cursor.
  const advance = (sig: string) => {
    if (listed.complete) result.cursor = sig;
  };
  const expectation = await expectationFor(row, { timeoutMs: opts.timeoutMs });
  let fetches = 0;
  for (const s of oldestFirst) {
    if (s.err !== null && s.err !== undefined) {
      result.reason = FAILED;
      advance(s.signature);
      continue;
    }
    if (taken.has(s.signature)) {
      result.reason = ALREADY_CREDITED;
      advance(s.signature);
      continue;
    }
    if (fetches++ >= (opts.maxFetches ?? 50)) return { ...result, complete: false };
    const tx = await getTransaction(s.signature, { timeoutMs: opts.timeoutMs });
    // Listed but not yet visible at our commitment: look again next pass, from here.
    if (!tx) return { ...result, complete: false };
    const verdict = checkDeposit(tx, expectation);
    if (verdict.ok) return { ...result, payment: { signature: s.signature, verdict }, complete: true };
    result.reason = verdict.reason;
    advance(s.signature);
  }
  return result;
}
