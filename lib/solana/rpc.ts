import "server-only";
import { env } from "@/lib/env";

// A small JSON-RPC client for the server's few chain reads. web3.js's Connection retries and
// wraps errors in ways that hide "the node is unreachable"; here that case is its own error
// type, so callers can answer 503 and try again later.

/** The RPC node could not be reached or answered nonsense: nothing about the chain is known. */
export class RpcUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RpcUnavailableError";
  }
}

/** The node answered with a JSON-RPC error. */
export class RpcResponseError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = "RpcResponseError";
  }
}

const DEFAULT_TIMEOUT_MS = 5_000;
let nextId = 1;

export async function rpcCall<T>(
  method: string,
  params: unknown[],
  opts: { timeoutMs?: number; url?: string } = {},
): Promise<T> {
  const url = opts.url ?? env().rpcUrl;
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: nextId++, method, params }),
      signal: AbortSignal.timeout(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
  } catch (err) {
    const why = (err as Error)?.name === "TimeoutError" ? "timed out" : "is unreachable";
    throw new RpcUnavailableError(`Solana RPC ${why} (${method})`);
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => {});
    throw new RpcUnavailableError(`Solana RPC answered HTTP ${res.status} (${method})`);
  }
  let body: { result?: T; error?: { code: number; message: string } };
  try {
    body = (await res.json()) as typeof body;
  } catch {
    throw new RpcUnavailableError(`Solana RPC sent an unreadable answer (${method})`);
  }
  if (body.error) throw new RpcResponseError(body.error.code, body.error.message);
  return body.result as T;
}

export interface RpcTokenBalance {
  accountIndex: number;
  mint: string;
  owner?: string;
  programId?: string;
  uiTokenAmount: { amount: string; decimals: number };
}

/** getTransaction with `encoding: "json"`: only the fields deposit verification reads. */
export interface RpcTransaction {
  slot: number;
  blockTime: number | null;
  transaction: { signatures: string[]; message: { accountKeys: string[] } };
  meta: {
    err: unknown;
    preTokenBalances?: RpcTokenBalance[] | null;
    postTokenBalances?: RpcTokenBalance[] | null;
    loadedAddresses?: { writable: string[]; readonly: string[] } | null;
  } | null;
}

export function getTransaction(signature: string, opts: { timeoutMs?: number } = {}): Promise<RpcTransaction | null> {
  return rpcCall<RpcTransaction | null>(
    "getTransaction",
    [signature, { encoding: "json", commitment: env().SOLANA_COMMITMENT, maxSupportedTransactionVersion: 0 }],
    opts,
  );
}

export interface RpcSignatureInfo {
  signature: string;
  slot: number;
  err: unknown;
  blockTime: number | null;
}

export interface SignaturePageOptions {
  limit?: number;
  /** Only signatures older than this one (exclusive), to page backwards. */
  before?: string;
  /** Only signatures newer than this one (exclusive). */
  until?: string;
  timeoutMs?: number;
}

/** One page of signatures naming the address, newest first. */
export function getSignaturesForAddress(address: string, opts: SignaturePageOptions = {}): Promise<RpcSignatureInfo[]> {
  const config: Record<string, unknown> = { limit: opts.limit ?? 20, commitment: env().SOLANA_COMMITMENT };
  if (opts.before) config.before = opts.before;
  if (opts.until) config.until = opts.until;
  return rpcCall<RpcSignatureInfo[]>("getSignaturesForAddress", [address, config], opts);
}

/**
 * Every signature naming the address newer than `until` (all of them without it), newest first,
 * paging backwards with `before`. `complete` is false when `maxPages` ran out first: the oldest
 * ones are then still unread.
 */
export async function allSignaturesForAddress(
  address: string,
  opts: { until?: string; pageSize?: number; maxPages?: number; timeoutMs?: number } = {},
): Promise<{ signatures: RpcSignatureInfo[]; complete: boolean }> {
  const pageSize = opts.pageSize ?? 1000;
  const out: RpcSignatureInfo[] = [];
  let before: string | undefined;
  for (let page = 0; page < (opts.maxPages ?? 20); page++) {
    const got = await getSignaturesForAddress(address, {
      limit: pageSize,
      before,
      until: opts.until,
      timeoutMs: opts.timeoutMs,
    });
    out.push(...got);
    if (got.length < pageSize) return { signatures: out, complete: true };
    before = got[got.length - 1]!.signature;
  }
  return { signatures: out, complete: false };
}

export interface RpcAccount {
  owner: string;
  lamports: number;
  data: [string, "base64"];
}

export async function getAccount(
  address: string,
  opts: { timeoutMs?: number } = {},
): Promise<{ owner: string; data: Buffer } | null> {
  const res = await rpcCall<{ value: RpcAccount | null }>(
    "getAccountInfo",
    [address, { encoding: "base64", commitment: env().SOLANA_COMMITMENT }],
    opts,
  );
  if (!res?.value) return null;
  return { owner: res.value.owner, data: Buffer.from(res.value.data[0], "base64") };
}
