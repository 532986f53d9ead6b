import "server-only";
import { getTransaction, type RpcTokenBalance, type RpcTransaction } from "@/lib/solana/rpc";
import { displayTokenAmount } from "@/lib/solana/token-amount";

/** What a deposit for one intent must show on chain. */
export interface DepositExpectation {
  token: string;
  reference: string;
  mint: string;
  decimals: number;
  treasuryTokenAccount: string;
  /** Token base units the treasury's account must gain, at least. */
  amount: bigint;
  expiresAt: Date;
}

export type DepositVerdict =
  { ok: true; received: bigint; slot: number; blockTime: number | null } | { ok: false; reason: string };

/** Every account the transaction loaded, in the order token balances index them. */
export function accountKeys(tx: RpcTransaction): string[] {
  const loaded = tx.meta?.loadedAddresses;
  return [...tx.transaction.message.accountKeys, ...(loaded?.writable ?? []), ...(loaded?.readonly ?? [])];
}

function balanceAt(list: RpcTokenBalance[] | null | undefined, index: number, mint: string): bigint | null {
  const b = list?.find((x) => x.accountIndex === index && x.mint === mint);
  return b ? BigInt(b.uiTokenAmount.amount) : null;
}

/**
 * Judges a confirmed transaction against an intent, from the node's own accounting: it must have
 * succeeded, carry the intent's reference, and raise the treasury's token account for the
 * intent's mint by at least the intent's amount, before the intent expired.
 */
export function checkDeposit(tx: RpcTransaction, exp: DepositExpectation): DepositVerdict {
  if (!tx.meta) return { ok: false, reason: "The node returned this transaction without its result." };
  if (tx.meta.err !== null && tx.meta.err !== undefined)
    return { ok: false, reason: "This transaction failed on chain, so nothing was transferred." };
  const keys = accountKeys(tx);
  if (!keys.includes(exp.reference))
    return { ok: false, reason: "This transaction is not a payment for this top-up (its reference is missing)." };
  const index = keys.indexOf(exp.treasuryTokenAccount);
  const post = index >= 0 ? balanceAt(tx.meta.postTokenBalances, index, exp.mint) : null;
  const pre = index >= 0 ? (balanceAt(tx.meta.preTokenBalances, index, exp.mint) ?? 0n) : 0n;
  const received = post === null ? 0n : post - pre;
  const need = `${displayTokenAmount(exp.amount, exp.decimals)} ${exp.token}`;
  if (received <= 0n)
    return { ok: false, reason: `This transaction did not send ${exp.token} to the treasury's ${exp.token} account.` };
  if (received < exp.amount) {
    return {
      ok: false,
      reason: `This transaction sent ${displayTokenAmount(received, exp.decimals)} ${exp.token}, less than the ${need} this top-up needs.`,
    };
  }
  if (tx.blockTime !== null && tx.blockTime * 1000 > exp.expiresAt.getTime()) {
    return { ok: false, reason: "This payment arrived after the top-up had expired." };
  }
  return { ok: true, received, slot: tx.slot, blockTime: tx.blockTime };
}

/** Fetches the transaction at the configured commitment; null while the node has not seen it confirmed. */
export async function fetchAndCheckDeposit(
  signature: string,
  exp: DepositExpectation,
  opts: { timeoutMs?: number } = {},
): Promise<DepositVerdict | null> {
  const tx = await getTransaction(signature, opts);
  return tx ? checkDeposit(tx, exp) : null;
}
