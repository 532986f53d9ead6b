import { describe, expect, it } from "vitest";
import { parseAmount, tokenUnitsFor } from "./top-up-amount";
import type { ChainInfo } from "./billing-api";

const chain: ChainInfo = { cluster: "localnet", rpcUrl: "", usdcMint: "u", routerMint: "r", routerPriceUsd: 0.05 };

describe("the top-up amount", () => {
  it("takes a preset as is and an empty Other amount as no choice", () => {
    expect(parseAmount("20", "")).toEqual({ micro: 20_000_000, error: null });
    expect(parseAmount("custom", "  ")).toEqual({ micro: null, error: null });
  });

  it("reads dollars and cents and holds them to $1–$10,000", () => {
    expect(parseAmount("custom", "$1,250.50").micro).toBe(1_250_500_000);
    expect(parseAmount("custom", "0.99").error).toBe("The minimum top-up is $1.00.");
    expect(parseAmount("custom", "10000.01").error).toBe("The maximum top-up is $10,000.00.");
    expect(parseAmount("custom", "1.234").error).toBe("Enter dollars and cents, like 12.50.");
  });

  it("quotes USDC one to one and $ROUTER at its price, rounded up to a base unit", () => {
    expect(tokenUnitsFor(chain, "USDC", 5_000_000)).toBe(5_000_000n);
    expect(tokenUnitsFor(chain, "ROUTER", 20_000_000)).toBe(400_000_000n);
  });
});
