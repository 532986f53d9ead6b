import { ConfigurationError } from "./errors.js";

const KEY_PREFIX = "sk_solrouter_";
// 32 base62 random characters followed by a 6-character base62 checksum.
const KEY_PATTERN = /^sk_solrouter_[0-9A-Za-z]{38}$/;

/**
 * Reads an environment variable without assuming Node: browsers and some edge runtimes have no
 * `process`, and touching it bare would throw a ReferenceError.
 */
export function readEnv(name: string): string | undefined {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  const value = proc?.env?.[name];
  return value === undefined || value.trim() === "" ? undefined : value;
}

/**
 * Rejects keys that cannot be valid before any network call, so a typo or a pasted secret from
 * another service fails fast. The message never echoes the key, since error messages get logged.
 */
export function validateApiKey(raw: string): string {
  // Trailing newlines sneak in from `.env` files and secret managers.
  const key = raw.trim();
  if (KEY_PATTERN.test(key)) return key;
  const hint = key.startsWith(KEY_PREFIX)
    ? `it starts with "${KEY_PREFIX}" but has the wrong length or characters (expected ${KEY_PREFIX} followed by 38 letters/digits)`
    : `Solrouter keys start with "${KEY_PREFIX}"`;
  throw new ConfigurationError({
    code: "malformed_api_key",
    message: `The Solrouter API key is malformed: ${hint}. Copy it again from the dashboard.`,
  });
}

/** Enough of the key to tell keys apart in logs, far too little to use. */
export function redactApiKey(key: string): string {
  return `${KEY_PREFIX}${key.slice(KEY_PREFIX.length, KEY_PREFIX.length + 4)}…`;
}
