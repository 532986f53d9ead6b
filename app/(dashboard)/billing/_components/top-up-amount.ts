import { parseUsdToMicro } from "@/lib/billing/money";
import { MAX_TOPUP_MICRO, MIN_TOPUP_MICRO } from "@/lib/billing/limits";
import { toPlainDecimal, tokenAmountForCredit } from "@/lib/solana/token-amount";
import type { ChainInfo, TokenSymbol } from "./billing-api";

// The amount picker's rules, apart from its markup so they can be tested on their own.

export const PRESETS = [5, 20, 100];
export const MIN_MICRO = Number(MIN_TOPUP_MICRO);
export const MAX_MICRO = Number(MAX_TOPUP_MICRO);
export const TOKEN_DECIMALS = 6;
/** Lamports kept back for the network fee; below this a wallet cannot send the transfer. */
export const FEE_RESERVE_LAMPORTS = 10_000;

/** "custom" means the "Other amount" field; anything else is a preset's dollar value. */
export type AmountChoice = string;

export function parseAmount(choice: AmountChoice, custom: string): { micro: number | null; error: string | null } {
  if (choice !== "custom") return { micro: Number(choice) * 1_000_000, error: null };
  const text = custom.trim().replace(/^\$/, "").replace(/,/g, "");
  if (!text) return { micro: null, error: null };
  if (!/^\d+(\.\d{1,2})?$/.test(text)) return { micro: null, error: "Enter dollars and cents, like 12.50." };
  const micro = Number(parseUsdToMicro(text));
  if (micro < MIN_MICRO) return { micro: null, error: "The minimum top-up is $1.00." };
  if (micro > MAX_MICRO) return { micro: null, error: "The maximum top-up is $10,000.00." };
  return { micro, error: null };
}

/** The token's price in dollars as a plain decimal (USDC is $1). */
export function tokenPrice(chain: ChainInfo, token: TokenSymbol): string {
  return token === "USDC" ? "1" : (toPlainDecimal(String(chain.routerPriceUsd)) ?? "1");
}

/** What a credit costs in the token's base units at today's quote (the intent locks the exact figure). */
export function tokenUnitsFor(chain: ChainInfo, token: TokenSymbol, creditMicro: number): bigint {
  return tokenAmountForCredit(BigInt(creditMicro), tokenPrice(chain, token), TOKEN_DECIMALS);
}

export function mintOf(chain: ChainInfo, token: TokenSymbol): string | null {
  return token === "USDC" ? chain.usdcMint : chain.routerMint;
}
