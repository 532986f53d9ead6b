import { describe, expect, it } from "vitest";
import { SlotClock, SLOT_MS } from "./slot-clock";

describe("SlotClock", () => {
  it("keeps a blockhash valid until its lastValidBlockHeight, then expires it", () => {
    let now = 1_700_000_000_000;
    const clock = new SlotClock(now, new Uint8Array(32), () => now);
    const { blockhash, lastValidBlockHeight } = clock.latestBlockhash();
    now += 30 * SLOT_MS;
    expect(clock.latestBlockhash().blockhash).not.toBe(blockhash);
    expect(clock.isBlockhashValid(blockhash)).toBe(true);
    now += (lastValidBlockHeight - clock.slot()) * SLOT_MS;
    expect(clock.isBlockhashValid(blockhash)).toBe(true);
    now += SLOT_MS;
    expect(clock.isBlockhashValid(blockhash)).toBe(false);
    expect(clock.blockTime(clock.slot())).toBe(Math.floor(now / 1000));
  });
});
