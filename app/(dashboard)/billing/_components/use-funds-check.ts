"use client";
import { displayTokenAmount } from "@/lib/solana/token-amount";
import { TOKEN_LABEL, type ChainInfo, type TokenSymbol } from "./billing-api";
import { useWalletBalances } from "./chain-reads";
import { FEE_RESERVE_LAMPORTS, TOKEN_DECIMALS, tokenUnitsFor } from "./top-up-amount";

/**
 * Why the connected wallet cannot pay this top-up right now, read from the same balances the
 * wallet card shows; null while they load or when it can. Checked before any intent is recorded,
 * so an empty wallet leaves no abandoned "Pending" row behind.
 */
export function useFundsCheck(
  chain: ChainInfo,
  address: string | null,
  token: TokenSymbol,
  creditMicro: number | null,
): string | null {
  const q = useWalletBalances(address, chain);
  if (!address) return null;
  if (q.isError)
    return "We cannot read your wallet's balances: the Solana network is not answering. Try again in a moment, or pay with your phone.";
  if (!q.data) return null;
  const label = TOKEN_LABEL[token];
  const faucet = chain.cluster === "localnet" ? " (Get test tokens gives you some)" : "";
  const have = token === "USDC" ? q.data.usdc : q.data.router;
  if (have !== null && creditMicro !== null) {
    const need = tokenUnitsFor(chain, token, creditMicro);
    if (have < need)
      return `This top-up needs ${displayTokenAmount(need, TOKEN_DECIMALS)} ${label}, and your wallet holds ${displayTokenAmount(have, TOKEN_DECIMALS)} ${label}. Add ${label} to your wallet${faucet}.`;
  }
  if (q.data.lamports < FEE_RESERVE_LAMPORTS)
    return `Your wallet has no SOL for the network fee (about 0.00001 SOL). Add a little SOL${faucet}.`;
  return null;
}
