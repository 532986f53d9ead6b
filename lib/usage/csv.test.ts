import { describe, expect, it } from "vitest";
import { csvCell, microToUsdDecimal } from "./csv";

describe("CSV cells", () => {
  it("quotes and neutralises cells", () => {
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("x\ny")).toBe('"x\ny"');
    expect(csvCell("=1+2")).toBe("'=1+2");
    expect(csvCell("+1")).toBe("'+1");
    expect(csvCell("-1")).toBe("'-1");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell('=A1,"x"')).toBe(`"'=A1,""x"""`);
    expect(microToUsdDecimal(1234n)).toBe("0.001234");
    expect(microToUsdDecimal(12_000_001n)).toBe("12.000001");
  });
});
