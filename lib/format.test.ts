import { describe, expect, it } from "vitest";
import { formatUsd } from "./format";

describe("formatUsd", () => {
  it("rounds balances and totals to the nearest cent, half up", () => {
    expect(formatUsd(140_000_000n - 94n)).toBe("$140.00");
    expect(formatUsd(1_234_564_999n)).toBe("$1,234.56");
    expect(formatUsd(1_234_565_000n)).toBe("$1,234.57");
    expect(formatUsd(-2_500_000)).toBe("-$2.50");
  });

  it("shows every micro-dollar when asked, and amounts under half a cent precisely", () => {
    expect(formatUsd(139_999_906n, { precise: true })).toBe("$139.999906");
    expect(formatUsd(94n)).toBe("$0.000094");
    expect(formatUsd(6_000n)).toBe("$0.01");
    expect(formatUsd(0n)).toBe("$0.00");
  });
});
