import { describe, expect, it } from "vitest";
import { browserOf, describeEvent } from "./describe";
import type { ActivityItem } from "./security-api";

const ev = (kind: string, details: Record<string, unknown> = {}) =>
  ({ id: "1", kind, at: "2026-01-01T00:00:00.000Z", ip: null, userAgent: null, details }) as ActivityItem;

describe("activity wording", () => {
  it("names cap changes with old and new amounts, and no cap as such", () => {
    expect(describeEvent(ev("key_edited", { name: "app", oldCapMicro: "5000000", newCapMicro: null }))).toBe(
      "Changed the cap of “app” from $5.00 to no cap",
    );
    expect(describeEvent(ev("key_edited", { name: "app", oldName: "old" }))).toBe("Edited key “app”");
    expect(describeEvent(ev("other_sessions_ended", { count: 2 }))).toBe("Signed out everywhere else (2 sessions)");
    expect(describeEvent(ev("topup_credited", { creditMicro: "5000000", token: "USDC" }))).toBe(
      "Top-up credited: $5.00 (USDC)",
    );
  });

  it("shortens user agents to a browser and system", () => {
    expect(browserOf("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")).toBe(
      "Firefox on Linux",
    );
    expect(
      browserOf(
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15",
      ),
    ).toBe("Safari on macOS");
    expect(browserOf(null)).toBe("Unknown");
  });
});
