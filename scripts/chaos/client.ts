// The chaos suite's HTTP client: sign in with a wallet (SIWS), create keys, top up for real on
// the local cluster, call /agent. Talks only to 127.0.0.1.
import nacl from "tweetnacl";
import bs58 from "bs58";
import { Keypair, PublicKey, SystemProgram, type TransactionInstruction } from "@solana/web3.js";
import { TOKEN_PROGRAM_ID } from "@solana/spl-token";
import type { SignInInput } from "@/lib/auth/siws-message";
import { signedVerifyBody } from "@/lib/test/siws-input";
import { topupInstructions, memoInstruction, type TopupPayment } from "@solrouter/sdk/topup";
import type { TestLocalnet as Chain } from "@/lib/test/localnet";

export async function req(
  base: string,
  path: string,
  opts: { method?: string; body?: unknown; cookie?: string; bearer?: string; timeoutMs?: number } = {},
) {
  const headers: Record<string, string> = { origin: base };
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.bearer) headers.authorization = `Bearer ${opts.bearer}`;
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(base + path, {
    method: opts.method ?? (opts.body === undefined ? "GET" : "POST"),
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, headers: res.headers };
}

export interface User {
  base: string;
  wallet: Keypair;
  cookie: string;
  key?: string;
}

export async function signIn(base: string, wallet: Keypair): Promise<User> {
  const address = wallet.publicKey.toBase58();
  const c = await req(base, `/api/auth/challenge?address=${address}`);
  if (c.status !== 200) throw new Error(`challenge ${c.status}: ${c.text}`);
  const body = signedVerifyBody(c.json.input as SignInInput, {
    publicKey: wallet.publicKey.toBytes(),
    secretKey: wallet.secretKey,
  });
  const v = await req(base, "/api/auth/verify", { body });
  if (v.status !== 200) throw new Error(`verify ${v.status}: ${v.text}`);
  return { base, wallet, cookie: (v.headers.get("set-cookie") ?? "").split(";")[0]! };
}

export async function createKey(u: User): Promise<string> {
  const r = await req(u.base, "/api/keys", { body: { name: "chaos" }, cookie: u.cookie });
  if (r.status !== 201) throw new Error(`create key ${r.status}: ${r.text}`);
  return (u.key = r.json.secret as string);
}

export type Intent = TopupPayment & { id: string; creditMicro: number };

export async function intent(u: User, creditMicro: number): Promise<Intent> {
  const r = await req(u.base, "/api/topups", { body: { token: "USDC", creditMicro }, cookie: u.cookie });
  if (r.status !== 201) throw new Error(`intent ${r.status}: ${r.text}`);
  return r.json.topup as Intent;
}

/** Pays an intent on the local cluster (the browser's transaction), returning the signature. */
export async function pay(chain: Chain, from: Keypair, t: Intent): Promise<string> {
  return chain.send(from, topupInstructions(from.publicKey, t, TOKEN_PROGRAM_ID));
}

/** A one-lamport transfer naming the reference: junk that buries the real payment's signature. */
export function junk(from: Keypair, reference: string): TransactionInstruction[] {
  const ix = SystemProgram.transfer({
    fromPubkey: from.publicKey,
    toPubkey: Keypair.generate().publicKey,
    lamports: 1_000_000,
  });
  ix.keys.push({ pubkey: new PublicKey(reference), isSigner: false, isWritable: false });
  return [memoInstruction(`junk ${bs58.encode(nacl.randomBytes(4))}`), ix];
}

export const agentCall = (base: string, key: string) =>
  req(base, "/agent", {
    body: { prompt: "Say hello in five words.", model: "gpt-oss:20b", maxTokens: 32 },
    bearer: key,
    timeoutMs: 15_000,
  });

export const confirmPath = (id: string) => `/api/topups/${id}/confirm`;
