import bs58 from "bs58";

/** A JSON-RPC error that handlers throw to produce `{error:{code,message,data}}`. */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

export const invalidParams = (detail: string): RpcError => new RpcError(-32602, `Invalid params: ${detail}`);

const BIG = "\u0000big:";

/**
 * Lamport amounts can exceed 2^53 (the faucet's balance), and a real node prints them as bare
 * integers; kit parses such numbers into bigints, so emit bigints as raw digits, not strings.
 */
export function stringifyJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? `${BIG}${v}` : v)).replace(
    /"\\u0000big:(-?\d+)"/g,
    "$1",
  );
}

export const b58encode = (bytes: Uint8Array): string => bs58.encode(bytes);
export const b58decode = (text: string): Uint8Array => bs58.decode(text);
export const b64encode = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64");
export const b64decode = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, "base64"));

/** Parses a base58 public key, throwing the error a real node gives for a malformed one. */
export function pubkeyParam(value: unknown): string {
  if (typeof value !== "string") throw invalidParams("expected a base58 public key string");
  let bytes: Uint8Array;
  try {
    bytes = b58decode(value);
  } catch {
    throw invalidParams(`Invalid param: ${value}`);
  }
  if (bytes.length !== 32) throw invalidParams(`Invalid param: ${value}`);
  return value;
}

/** The optional config object a method takes at `index` (a real node also accepts it missing or null). */
export function configParam(params: unknown[], index: number): Record<string, unknown> {
  const value = params[index];
  if (value === undefined || value === null) return {};
  if (typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  throw invalidParams(`parameter ${index} must be a config object`);
}
