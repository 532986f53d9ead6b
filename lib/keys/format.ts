import "server-only";
// Namespace import: a named import of `hash` would fail to link on Node < 20.12.
import * as nodeCrypto from "node:crypto";

// Key contract: "sk_solrouter_" + 32 random base62 chars + 6-char base62 CRC-32 of those 32
// chars (IEEE/zlib CRC, most significant digit first, "0"-padded). The checksum lets us reject
// typos and junk without a database round trip; it is not a secret and adds no entropy.

export const API_KEY_PREFIX = "sk_solrouter_";
export const API_KEY_RANDOM_LENGTH = 32;
export const API_KEY_CHECKSUM_LENGTH = 6;
export const API_KEY_LENGTH = API_KEY_PREFIX.length + API_KEY_RANDOM_LENGTH + API_KEY_CHECKSUM_LENGTH; // 51

export const BASE62_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

const RANDOM_START = API_KEY_PREFIX.length;
const CHECKSUM_START = RANDOM_START + API_KEY_RANDOM_LENGTH;

// ASCII code -> digit value, -1 for anything outside the alphabet.
const BASE62_VALUE = (() => {
  const table = new Int8Array(128).fill(-1);
  for (let i = 0; i < BASE62_ALPHABET.length; i++) table[BASE62_ALPHABET.charCodeAt(i)] = i;
  return table;
})();

const CRC_TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

function crc32Bytes(bytes: Uint8Array): number {
  let crc = -1;
  for (let i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}

/** CRC-32 (IEEE), same result as zlib.crc32; strings are hashed as UTF-8 like zlib does. */
export function crc32(data: string | Uint8Array): number {
  if (typeof data !== "string") return crc32Bytes(data);
  let crc = -1;
  for (let i = 0; i < data.length; i++) {
    const c = data.charCodeAt(i);
    if (c >= 0x80) return crc32Bytes(new TextEncoder().encode(data));
    crc = CRC_TABLE[(crc ^ c) & 0xff]! ^ (crc >>> 8);
  }
  return (crc ^ -1) >>> 0;
}

/** Base62, most significant digit first, left-padded with "0" to exactly `width` digits. */
export function toBase62Fixed(n: number, width: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`toBase62Fixed: not a non-negative safe integer: ${n}`);
  let out = "";
  let rest = n;
  for (let i = 0; i < width; i++) {
    out = BASE62_ALPHABET[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  if (rest !== 0) throw new RangeError(`toBase62Fixed: ${n} does not fit in ${width} digits`);
  return out;
}

// 248 = 4 * 62: bytes >= 248 are discarded so every digit is equally likely (plain % 62 would
// make "0".."7" 25% more likely than the rest).
const REJECT_AT = 248;

function randomBase62(length: number): string {
  let out = "";
  while (out.length < length) {
    // Rejection rate is 8/256, so one slightly oversized batch almost always suffices.
    const bytes = nodeCrypto.randomBytes(length + 8);
    for (let i = 0; i < bytes.length && out.length < length; i++) {
      const b = bytes[i]!;
      if (b < REJECT_AT) out += BASE62_ALPHABET[b % 62];
    }
  }
  return out;
}

export type GeneratedApiKey = {
  /** Shown to the user exactly once; never stored. */
  secret: string;
  /** SHA-256 hex of the secret; the only form that is persisted. */
  hash: string;
  /** Display form, e.g. "sk_solrouter_Ab3x…". */
  start: string;
};

export function generateApiKey(): GeneratedApiKey {
  const random = randomBase62(API_KEY_RANDOM_LENGTH);
  const secret = API_KEY_PREFIX + random + toBase62Fixed(crc32(random), API_KEY_CHECKSUM_LENGTH);
  return { secret, hash: hashApiKey(secret), start: keyStart(secret) };
}

export type ParsedApiKey = { ok: true; secret: string } | { ok: false };

const PARSE_FAIL: ParsedApiKey = Object.freeze({ ok: false as const });

/**
 * Shape + checksum check on the request hot path: one pass of charCode lookups with the CRC
 * folded in, no regex and no allocations on failure.
 */
export function parseApiKey(s: unknown): ParsedApiKey {
  if (typeof s !== "string" || s.length !== API_KEY_LENGTH || !s.startsWith(API_KEY_PREFIX)) return PARSE_FAIL;
  let crc = -1;
  for (let i = RANDOM_START; i < CHECKSUM_START; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || BASE62_VALUE[c]! < 0) return PARSE_FAIL;
    crc = CRC_TABLE[(crc ^ c) & 0xff]! ^ (crc >>> 8);
  }
  // Decoding the checksum (instead of encoding the CRC) avoids building a string; fixed width
  // makes the encoding unique, so numeric equality is exact.
  let check = 0;
  for (let i = CHECKSUM_START; i < API_KEY_LENGTH; i++) {
    const c = s.charCodeAt(i);
    const d = c < 128 ? BASE62_VALUE[c]! : -1;
    if (d < 0) return PARSE_FAIL;
    check = check * 62 + d;
  }
  return check === (crc ^ -1) >>> 0 ? { ok: true, secret: s } : PARSE_FAIL;
}

// One-shot crypto.hash (Node >= 20.12) measured 2-3x faster than createHash on this hot path.
const oneShotHash = typeof nodeCrypto.hash === "function" ? nodeCrypto.hash : undefined;

export function hashApiKey(secret: string): string {
  if (oneShotHash) return oneShotHash("sha256", secret, "hex");
  return nodeCrypto.createHash("sha256").update(secret).digest("hex");
}

export function keyStart(secret: string): string {
  return `${API_KEY_PREFIX}${secret.slice(RANDOM_START, RANDOM_START + 4)}…`;
}
