import { displayTokenAmount } from "@/lib/solana/token-amount";
import type { ChainInfo, TokenSymbol } from "./billing-api";
import { TOKEN_DECIMALS, tokenPrice, tokenUnitsFor } from "./top-up-amount";

/** What the chosen credit costs in the chosen token, in one sentence. */
export function TopUpQuote({ chain, token, micro }: { chain: ChainInfo; token: TokenSymbol; micro: number }) {
  const amount = displayTokenAmount(tokenUnitsFor(chain, token, micro), TOKEN_DECIMALS);
  const strong = "font-semibold text-zinc-900 dark:text-zinc-100";
  if (token === "USDC")
    return (
      <>
        You pay <strong className={strong}>{amount} USDC</strong> (1 USDC = $1 of credit).
      </>
    );
  return (
    <>
      You pay about <strong className={strong}>{amount} $ROUTER</strong> at ${tokenPrice(chain, token)} each. The price
      is locked for 10 minutes once you continue.
    </>
  );
}
