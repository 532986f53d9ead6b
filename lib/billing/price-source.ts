import "server-only";
import { env } from "@/lib/env";
import { peekPart, setPart } from "@/lib/runtime";
import { toPlainDecimal } from "@/lib/solana/token-amount";

export type TopupToken = "USDC" | "ROUTER";

/**
 * Where the USD price of $ROUTER comes from. Today a fixed operator setting; an oracle can
 * replace it by implementing this and calling setPriceSource at boot. The intent stores the
 * price it got, so later price moves never change an intent already handed to a payer.
 */
export interface PriceSource {
  readonly name: string;
  /** USD per whole token, as a plain decimal string ("0.05"). */
  routerPriceUsd(): Promise<string>;
}

/** ROUTER_PRICE_USD from the environment. */
export const envPriceSource: PriceSource = {
  name: "env",
  async routerPriceUsd() {
    // env() has parsed it to a number; its shortest printed form is the decimal the operator wrote.
    const text = toPlainDecimal(String(env().ROUTER_PRICE_USD));
    if (!text || !/[1-9]/.test(text)) throw new Error("ROUTER_PRICE_USD is not a positive decimal");
    return text;
  },
};

export function priceSource(): PriceSource {
  return peekPart("priceSource") ?? envPriceSource;
}

export function setPriceSource(source: PriceSource | undefined): void {
  setPart("priceSource", source);
}

/** USD per whole token for an intent: USDC is pegged 1:1 by definition. */
export async function priceUsdFor(token: TopupToken): Promise<string> {
  return token === "USDC" ? "1" : priceSource().routerPriceUsd();
}
