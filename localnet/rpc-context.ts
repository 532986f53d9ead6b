import type { Faucet } from "./faucet";
import { b58encode, b64encode, invalidParams } from "./json";
import type { Account, Ledger } from "./ledger";
import { jsonParsedToken } from "./token-accounts";

export const API_VERSION = "2.2.0";
// A real node reports u64::MAX for rent-exempt accounts; stringifyJson prints bigints as bare digits.
const RENT_EPOCH = 18446744073709551615n;

export interface RpcContext {
  ledger: Ledger;
  faucet: Faucet;
  identity: string;
  log: (msg: string) => void;
}

export type Handler = (params: unknown[], ctx: RpcContext) => unknown;

export function withContext<T>(ctx: RpcContext, value: T): { context: { slot: number; apiVersion: string }; value: T } {
  return { context: { slot: ctx.ledger.clock.slot(), apiVersion: API_VERSION }, value };
}

export interface AccountConfig {
  encoding?: unknown;
  dataSlice?: unknown;
}

function sliceData(data: Uint8Array, dataSlice: unknown): Uint8Array {
  if (!dataSlice || typeof dataSlice !== "object") return data;
  const { offset, length } = dataSlice as { offset?: unknown; length?: unknown };
  if (typeof offset !== "number" || typeof length !== "number")
    throw invalidParams("dataSlice needs offset and length");
  return data.subarray(offset, offset + length);
}

/** Renders an account like the real node for the requested encoding (`jsonParsed` falls back to base64). */
export function encodeAccount(ctx: RpcContext, account: Account, config: AccountConfig): Record<string, unknown> {
  const { encoding } = config;
  let data: unknown;
  if (encoding === "jsonParsed") {
    data = jsonParsedToken(account, ctx.ledger.decimalsOf) ?? [b64encode(account.data), "base64"];
  } else if (encoding === "base64") {
    data = [b64encode(sliceData(account.data, config.dataSlice)), "base64"];
  } else if (encoding === "base58") {
    data = [b58encode(sliceData(account.data, config.dataSlice)), "base58"];
  } else if (encoding === undefined || encoding === null || encoding === "binary") {
    data = b58encode(sliceData(account.data, config.dataSlice)); // the legacy default: a bare base58 string
  } else {
    throw invalidParams(`unsupported encoding: ${String(encoding)}`);
  }
  return {
    data,
    executable: account.executable,
    lamports: account.lamports,
    owner: account.programAddress,
    rentEpoch: RENT_EPOCH,
    space: Number(account.space),
  };
}

export function arrayParam(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw invalidParams(`expected an array of ${what}`);
  return value;
}
