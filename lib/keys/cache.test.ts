import { describe, expect, it } from "vitest";
import { LruCache } from "@/lib/keys/cache";

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

describe("LruCache", () => {
  it("evicts the least recently used entry, counting reads as use", () => {
    const c = new LruCache<string, number>({ maxEntries: 3, ttlMs: 1000, now: clock().now });
    c.set("a", 1);
    c.set("b", 2);
    c.set("c", 3);
    expect(c.get("a")).toBe(1); // a is now most recent; b is oldest
    c.set("d", 4);
    expect(c.size).toBe(3);
    expect(c.has("b")).toBe(false);
    expect([c.get("a"), c.get("c"), c.get("d")]).toEqual([1, 3, 4]);
    // Order is now a, c, d (oldest first): the next insert evicts a.
    c.set("e", 5);
    expect(c.has("a")).toBe(false);
    expect(c.has("c")).toBe(true);
  });

  it("re-setting a key refreshes its recency and does not grow the cache", () => {
    const c = new LruCache<string, number>({ maxEntries: 2, now: clock().now });
    c.set("a", 1);
    c.set("b", 2);
    c.set("a", 10);
    c.set("c", 3);
    expect(c.size).toBe(2);
    expect(c.get("a")).toBe(10);
    expect(c.has("b")).toBe(false);
  });

  it("expires entries ttlMs after they were set, even if read in between", () => {
    const t = clock();
    const c = new LruCache<string, number>({ ttlMs: 30_000, now: t.now });
    c.set("k", 1);
    t.advance(29_999);
    expect(c.get("k")).toBe(1);
    t.advance(1);
    expect(c.has("k")).toBe(false);
    expect(c.get("k")).toBeUndefined();
    expect(c.size).toBe(0);

    c.set("k", 2); // re-set restarts the TTL
    t.advance(29_999);
    expect(c.get("k")).toBe(2);
  });

  it("delete, deleteWhere and clear", () => {
    const c = new LruCache<string, { keyId: string }>({ now: clock().now });
    c.set("h1", { keyId: "k1" });
    c.set("h2", { keyId: "k2" });
    c.set("h3", { keyId: "k1" });
    expect(c.delete("h2")).toBe(true);
    expect(c.delete("h2")).toBe(false);
    c.set("h4", { keyId: "k3" });
    expect(c.deleteWhere((v) => v.keyId === "k1")).toBe(2);
    expect(c.has("h1") || c.has("h3")).toBe(false);
    expect(c.get("h4")).toEqual({ keyId: "k3" });
    c.clear();
    expect(c.size).toBe(0);
  });

  it("uses the documented defaults and validates options", () => {
    const c = new LruCache<string, number>();
    expect(c.maxEntries).toBe(10_000);
    expect(c.ttlMs).toBe(30_000);
    expect(() => new LruCache({ maxEntries: 0 })).toThrow(RangeError);
    expect(() => new LruCache({ ttlMs: 0 })).toThrow(RangeError);
  });
});
