import { describe, expect, it } from "vitest";
import {
  displayTokenAmount,
  formatBaseUnits,
  parseDecimal,
  toPlainDecimal,
  tokenAmountForCredit,
} from "./token-amount";

describe("token amounts", () => {
  it("parses decimal prices exactly, including JavaScript's exponent form", () => {
    expect(parseDecimal("0.05")).toEqual({ num: 5n, den: 100n });
    expect(parseDecimal("12")).toEqual({ num: 12n, den: 1n });
    expect(parseDecimal("1e-7")).toEqual({ num: 1n, den: 10_000_000n });
    expect(parseDecimal("2.5e+3")).toEqual({ num: 2500n, den: 1n });
    for (const bad of ["", "-1", "0x10", "1,5", ".5", "abc"]) expect(parseDecimal(bad)).toBeNull();
    expect(toPlainDecimal(String(0.0000001))).toBe("0.0000001");
    expect(toPlainDecimal(String(0.1 + 0.2))).toBe("0.30000000000000004");
  });

  it("rounds the token amount up, never crediting more than was paid", () => {
    expect(tokenAmountForCredit(5_000_000n, "1", 6)).toBe(5_000_000n);
    expect(tokenAmountForCredit(7_500_000n, "0.05", 6)).toBe(150_000_000n);
    expect(tokenAmountForCredit(1_000_000n, "0.07", 6)).toBe(14_285_715n); // 14.2857142857…
    expect(tokenAmountForCredit(1_000_000n, "3", 6)).toBe(333_334n);
    expect(tokenAmountForCredit(10_000_000_000n, "0.000001", 9)).toBe(10_000_000_000_000_000_000n);
    expect(tokenAmountForCredit(1_234_567n, "1", 2)).toBe(124n); // fewer decimals than micro-USD
    expect(() => tokenAmountForCredit(1n, "0", 6)).toThrow();
  });

  it("formats base units", () => {
    expect(formatBaseUnits(5_000_000n, 6)).toBe("5");
    expect(formatBaseUnits("14285715", 6)).toBe("14.285715");
    expect(formatBaseUnits(1n, 6)).toBe("0.000001");
    expect(formatBaseUnits(42n, 0)).toBe("42");
    expect(displayTokenAmount(20_000_000_000n, 6)).toBe("20,000");
    expect(displayTokenAmount(1_234_567_890n, 6)).toBe("1,234.56789");
  });
});
