import { createHash } from "node:crypto";
import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  API_KEY_LENGTH,
  API_KEY_PREFIX,
  BASE62_ALPHABET,
  crc32,
  generateApiKey,
  hashApiKey,
  keyStart,
  parseApiKey,
  toBase62Fixed,
} from "@/lib/keys/format";

describe("crc32", () => {
  it("matches the standard check value", () => {
    expect(crc32("123456789")).toBe(0xcbf43926);
    expect(crc32("")).toBe(0);
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
  });

  it("matches zlib.crc32", () => {
    // zlib.crc32 exists from Node 20.15; the check-value test above covers older runtimes.
    const zcrc = (zlib as { crc32?: (d: string) => number }).crc32;
    if (!zcrc) return;
    for (const s of ["a", "hello world", "é ü 日本", "0123456789ABCDEFabcdef".repeat(7), generateApiKey().secret]) {
      expect(crc32(s)).toBe(zcrc(s));
    }
  });
});

describe("toBase62Fixed", () => {
  it("writes most significant digit first, zero-padded", () => {
    expect(toBase62Fixed(0, 6)).toBe("000000");
    expect(toBase62Fixed(61, 3)).toBe("00z");
    expect(toBase62Fixed(62, 3)).toBe("010");
    expect(toBase62Fixed(0xffffffff, 6)).toBe("4gfFC3");
    expect(toBase62Fixed(62 ** 6 - 1, 6)).toBe("zzzzzz");
  });

  it("refuses values that do not fit or are not integers", () => {
    expect(() => toBase62Fixed(62 ** 3, 3)).toThrow(RangeError);
    expect(() => toBase62Fixed(-1, 6)).toThrow(RangeError);
    expect(() => toBase62Fixed(1.5, 6)).toThrow(RangeError);
  });
});

describe("generateApiKey", () => {
  it("produces the documented shape, hash and display start", () => {
    const { secret, hash, start } = generateApiKey();
    expect(secret).toHaveLength(51);
    expect(API_KEY_LENGTH).toBe(51);
    expect(secret.startsWith("sk_solrouter_")).toBe(true);
    expect(secret.slice(13)).toMatch(/^[0-9A-Za-z]{38}$/);
    const random = secret.slice(13, 45);
    expect(secret.slice(45)).toBe(toBase62Fixed(zlibOrOwnCrc(random), 6));
    expect(hash).toBe(createHash("sha256").update(secret, "utf8").digest("hex"));
    expect(hash).toBe(hashApiKey(secret));
    expect(start).toBe(`sk_solrouter_${random.slice(0, 4)}…`);
    expect(keyStart(secret)).toBe(start);
    expect(parseApiKey(secret)).toEqual({ ok: true, secret });
  });

  it("draws base62 digits without modulo bias", () => {
    // 64,000 digits; plain `byte % 62` would over-weight "0".."7" by 25%, pushing chi-square
    // (61 degrees of freedom, mean 61, sd ~11) far beyond the threshold.
    const counts = new Map<string, number>();
    const keys = 2000;
    for (let k = 0; k < keys; k++) {
      for (const ch of generateApiKey().secret.slice(13, 45)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    }
    const expected = (keys * 32) / 62;
    let chi2 = 0;
    for (const ch of BASE62_ALPHABET) chi2 += ((counts.get(ch) ?? 0) - expected) ** 2 / expected;
    expect(counts.size).toBe(62);
    expect(chi2).toBeLessThan(130);
  });

  it("does not repeat", () => {
    const seen = new Set(Array.from({ length: 1000 }, () => generateApiKey().secret));
    expect(seen.size).toBe(1000);
  });
});

describe("parseApiKey", () => {
  it("rejects every single-character change anywhere in the key", () => {
    for (let k = 0; k < 5; k++) {
      const { secret } = generateApiKey();
      for (let i = 0; i < secret.length; i++) {
        for (const ch of BASE62_ALPHABET + "_-é") {
          if (ch === secret[i]) continue;
          const mutated = secret.slice(0, i) + ch + secret.slice(i + 1);
          if (parseApiKey(mutated).ok) throw new Error(`accepted ${mutated} (position ${i})`);
        }
      }
    }
  });

  it("rejects wrong shapes", () => {
    const { secret } = generateApiKey();
    const bad: unknown[] = [
      undefined,
      42,
      "",
      secret.slice(0, -1),
      secret + "0",
      " " + secret.slice(1),
      "SK_SOLROUTER_" + secret.slice(13),
      "sk_solrouter-" + secret.slice(13),
      secret.slice(0, 20) + "\u{1F600}" + secret.slice(22), // same UTF-16 length, non-ASCII
    ];
    // Checksums that match, so only the shape check can refuse these.
    for (const random of ["_".repeat(32), "é".repeat(32), "0".repeat(31) + "-"]) {
      const folded = Uint8Array.from(random, (ch) => ch.charCodeAt(0) & 0xff); // as parseApiKey folds chars
      bad.push(API_KEY_PREFIX + random + toBase62Fixed(crc32(folded), 6));
    }
    for (const b of bad) expect(parseApiKey(b)).toEqual({ ok: false });
    expect(parseApiKey(secret).ok).toBe(true);
  });

  it("accepts a hand-built key with a known checksum", () => {
    const random = "0".repeat(32);
    const key = API_KEY_PREFIX + random + toBase62Fixed(crc32(random), 6);
    expect(parseApiKey(key).ok).toBe(true);
  });
});

function zlibOrOwnCrc(s: string): number {
  const zcrc = (zlib as { crc32?: (d: string) => number }).crc32;
  return zcrc ? zcrc(s) : crc32(s);
}
