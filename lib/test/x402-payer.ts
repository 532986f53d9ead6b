// Test helpers (not used by the app): an x402 payer with a funded wallet on the local cluster,
// paying the way a real agent does with @x402/core's client and @x402/svm's exact scheme.
import nacl from "tweetnacl";
import { createKeyPairSignerFromBytes, type KeyPairSigner } from "@solana/kit";
import { Keypair, PublicKey } from "@solana/web3.js";
import { getAssociatedTokenAddressSync, TOKEN_PROGRAM_ID } from "@/lib/solana/spl";
import { x402Client } from "@x402/core/client";
import { decodePaymentRequiredHeader, encodePaymentSignatureHeader } from "@x402/core/http";
import type { PaymentPayload, PaymentRequired } from "@x402/core/types";
import { SOLANA_DEVNET_CAIP2 } from "@x402/svm";
import { ExactSvmScheme } from "@x402/svm/exact/client";

export async function localRpc<T = any>(rpcUrl: string, method: string, params: unknown[] = []): Promise<T> {
  const res = await fetch(rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

/** Token balance of owner's associated account (0 when it does not exist). */
export async function tokenBalance(rpcUrl: string, owner: string, mint: string): Promise<bigint> {
  const ata = getAssociatedTokenAddressSync(
    new PublicKey(mint),
    new PublicKey(owner),
    true,
    TOKEN_PROGRAM_ID,
  ).toBase58();
  const info = await localRpc<{ value: unknown } | null>(rpcUrl, "getAccountInfo", [ata, { encoding: "base64" }]);
  if (!info?.value) return 0n;
  const { value } = await localRpc<{ value: { amount: string } }>(rpcUrl, "getTokenAccountBalance", [ata]);
  return BigInt(value.amount);
}

async function waitFor(check: () => Promise<boolean>, what: string) {
  for (let i = 0; i < 80; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export interface TestPayer {
  address: string;
  keypair: Keypair;
  signer: KeyPairSigner;
  client: x402Client;
  /** Builds a payment for the 402's first requirement (or a changed copy of it). */
  payload(pr: PaymentRequired | string): Promise<PaymentPayload>;
  /** The PAYMENT-SIGNATURE header value for a 402 (object or PAYMENT-REQUIRED header value). */
  pay(pr: PaymentRequired | string): Promise<string>;
}

/**
 * A fresh wallet with SOL and `tokens` of each mint (base units), allowed to pay those mints.
 * The payer needs no SOL for x402 itself; it gets some so tests can also move its tokens.
 */
export async function createTestPayer(opts: {
  rpcUrl: string;
  mints: string[];
  tokens?: bigint;
  maxPerPayment?: string;
}): Promise<TestPayer> {
  const kp = nacl.sign.keyPair();
  const keypair = Keypair.fromSecretKey(kp.secretKey);
  const signer = await createKeyPairSignerFromBytes(kp.secretKey);
  const address = signer.address;
  await localRpc(opts.rpcUrl, "requestAirdrop", [address, 1_000_000_000]);
  const tokens = opts.tokens ?? 1_000_000n;
  for (const mint of opts.mints) {
    const before = await tokenBalance(opts.rpcUrl, address, mint);
    await localRpc(opts.rpcUrl, "requestTokenAirdrop", [address, mint, tokens.toString()]);
    await waitFor(
      async () => (await tokenBalance(opts.rpcUrl, address, mint)) === before + tokens,
      "the token airdrop",
    );
  }
  // The local mints are not among the client's default assets, so the spend controls must list them.
  const client = new x402Client()
    .register(SOLANA_DEVNET_CAIP2, new ExactSvmScheme(signer, { rpcUrl: opts.rpcUrl }))
    .setSpendControls({
      allowedAssets: opts.mints.map((asset) => ({
        network: SOLANA_DEVNET_CAIP2,
        asset,
        maxAmountPerPayment: opts.maxPerPayment ?? "1000000",
      })),
    });
  const payload = (pr: PaymentRequired | string) =>
    client.createPaymentPayload(typeof pr === "string" ? decodePaymentRequiredHeader(pr) : pr);
  return {
    address,
    keypair,
    signer,
    client,
    payload,
    pay: async (pr) => encodePaymentSignatureHeader(await payload(pr)),
  };
}
