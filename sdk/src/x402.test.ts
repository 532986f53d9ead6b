import { inspect } from "node:util";
import {
  createKeyPairSignerFromBytes,
  generateKeyPairSigner,
  getBase64Encoder,
  getTransactionDecoder,
  type KeyPairSigner,
} from "@solana/kit";
import {
  decodePaymentSignatureHeader,
  encodePaymentRequiredHeader,
  encodePaymentResponseHeader,
} from "@x402/core/http";
import type { PaymentPayload, PaymentRequirements } from "@x402/core/types";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { errorBody, startMockServer, type MockServer, type RecordedRequest, type Reply } from "../test/mock-server.js";
import {
  APIConnectionError,
  ConfigurationError,
  PaymentRequiredError,
  SOLANA_DEVNET,
  SolRouter,
  type X402Options,
} from "./index.js";

const TOKEN_PROGRAM = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
const SUCCESS = {
  id: "run_1",
  model: "gpt-oss:20b",
  output: "hi",
  usage: { inputTokens: 1, outputTokens: 1 },
  costMicro: 2500,
};

let signer: KeyPairSigner;
let mint: string; // a custom mint the library does not know, like our local cluster's USDC
let payTo: string;
let feePayer: string;

// What the fake Solrouter does with a request that carries a payment; default: accept it.
let onPaid: (payload: PaymentPayload) => Reply;
let amount: string;
let server: MockServer;
let rpcCalls: string[];

function requirement(overrides: Partial<PaymentRequirements> = {}): PaymentRequirements {
  return {
    scheme: "exact",
    network: SOLANA_DEVNET,
    asset: mint,
    amount,
    payTo,
    maxTimeoutSeconds: 60,
    extra: { feePayer },
    ...overrides,
  };
}
let accepts: () => PaymentRequirements[];

/** An 82-byte SPL mint account: no authorities, zero supply, 6 decimals, initialised. */
function mintAccountBase64(): string {
  const data = Buffer.alloc(82);
  data[44] = 6;
  data[45] = 1;
  return data.toString("base64");
}

function handleRpc(req: RecordedRequest): Reply {
  const { id, method } = JSON.parse(req.body) as { id: unknown; method: string };
  rpcCalls.push(method);
  const context = { slot: 1 };
  if (method === "getAccountInfo") {
    const value = {
      data: [mintAccountBase64(), "base64"],
      executable: false,
      lamports: 1_461_600,
      owner: TOKEN_PROGRAM,
      rentEpoch: 0,
      space: 82,
    };
    return { status: 200, body: { jsonrpc: "2.0", id, result: { context, value } } };
  }
  if (method === "getLatestBlockhash") {
    const value = { blockhash: "11111111111111111111111111111111", lastValidBlockHeight: 1000 };
    return { status: 200, body: { jsonrpc: "2.0", id, result: { context, value } } };
  }
  return { status: 200, body: { jsonrpc: "2.0", id, error: { code: -32601, message: `no ${method}` } } };
}

beforeAll(async () => {
  signer = await generateKeyPairSigner();
  const address = async () => (await generateKeyPairSigner()).address;
  [mint, payTo, feePayer] = await Promise.all([address(), address(), address()]);
  server = await startMockServer((req) => {
    if (req.path === "/rpc") return handleRpc(req);
    const signature = req.headers["payment-signature"];
    if (typeof signature === "string") return onPaid(decodePaymentSignatureHeader(signature));
    const header = encodePaymentRequiredHeader({
      x402Version: 2,
      resource: { url: `${server.url}/agent` },
      accepts: accepts(),
    });
    return {
      status: 402,
      body: errorBody("payment_required", "Pay per call."),
      headers: { "payment-required": header },
    };
  });
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  rpcCalls = [];
  amount = "2500";
  accepts = () => [requirement()];
  onPaid = (payload) => ({
    status: 200,
    body: SUCCESS,
    headers: {
      "payment-response": encodePaymentResponseHeader({
        success: true,
        transaction: "5igTx",
        network: payload.accepted.network,
        payer: signer.address,
      }),
    },
  });
  vi.stubEnv("SOLROUTER_API_KEY", "");
});
afterEach(() => vi.unstubAllEnvs());

const x402Client = (x402: Partial<X402Options> = {}, maxRetries = 0) =>
  new SolRouter({ baseUrl: server.url, maxRetries, x402: { signer, rpcUrl: `${server.url}/rpc`, ...x402 } });

const agentRequests = () => server.requests.filter((r) => r.path === "/agent");
const call = (c: SolRouter) => c.agent({ prompt: "Say hi", model: "gpt-oss:20b" });

describe("x402 mode", () => {
  it("pays a 402 in a custom devnet mint through the given RPC and returns the receipt", async () => {
    let paid: PaymentPayload | undefined;
    const inner = onPaid;
    onPaid = (payload) => ((paid = payload), inner(payload));

    const res = await call(x402Client());

    expect(res).toMatchObject(SUCCESS);
    expect(res.payment).toMatchObject({ success: true, transaction: "5igTx", payer: signer.address });
    const [first, second] = agentRequests();
    expect(agentRequests()).toHaveLength(2);
    expect(first?.headers["payment-signature"]).toBeUndefined();
    expect(first?.headers.authorization).toBeUndefined();
    expect(JSON.parse(second?.body ?? "")).toEqual({ prompt: "Say hi", model: "gpt-oss:20b" });
    expect(paid?.accepted).toMatchObject({ asset: mint, amount: "2500", network: SOLANA_DEVNET, payTo });
    // The RPC that was used is ours, not public devnet.
    expect(rpcCalls).toEqual(expect.arrayContaining(["getAccountInfo", "getLatestBlockhash"]));
    // A real, partially signed Solana transaction: our signature present, fee payer's left for the server.
    const tx = getTransactionDecoder().decode(getBase64Encoder().encode(String(paid?.payload.transaction)));
    expect(tx.signatures[signer.address as keyof typeof tx.signatures]).toBeTruthy();
    expect(tx.signatures[feePayer as keyof typeof tx.signatures]).toBeNull();
  });

  it("accepts pre-imported modules for bundlers", async () => {
    const modules = { fetch: await import("@x402/fetch"), svm: await import("@x402/svm/exact/client") };
    const res = await call(x402Client({ modules }));
    expect(res.output).toBe("hi");
  });

  it("refuses a payment above maxPaymentMicro without signing anything", async () => {
    amount = "2000001";
    const error = (await call(x402Client({ maxPaymentMicro: 2_000_000 })).catch(
      (e: unknown) => e,
    )) as PaymentRequiredError;
    expect(error).toBeInstanceOf(PaymentRequiredError);
    expect(error.code).toBe("payment_required");
    expect(error.message).toMatch(/exceeds maxPaymentMicro 2000000/);
    expect(error.paymentRequired?.accepts[0]).toMatchObject({ amount: "2000001", asset: mint });
    expect(agentRequests()).toHaveLength(1);
    expect(rpcCalls).toEqual([]);
  });

  it("picks the affordable option when offered several", async () => {
    accepts = () => [requirement({ amount: "9000000" }), requirement()];
    const res = await call(x402Client());
    expect(res.output).toBe("hi");
  });

  it("honours the optional mint allowlist and network list", async () => {
    const other = await call(x402Client({ assets: [payTo] })).catch((e: unknown) => e);
    expect(other).toBeInstanceOf(PaymentRequiredError);
    expect((other as Error).message).toMatch(/not in x402\.assets/);

    const mainnetOnly = await call(x402Client({ networks: ["solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp"] })).catch(
      (e: unknown) => e,
    );
    expect(mainnetOnly).toBeInstanceOf(PaymentRequiredError);
  });

  it("surfaces a rejected payment as payment_invalid and does not pay again", async () => {
    onPaid = () => ({ status: 402, body: errorBody("payment_invalid", "Signature did not verify.") });
    const error = (await call(x402Client({}, 2)).catch((e: unknown) => e)) as PaymentRequiredError;
    expect(error).toBeInstanceOf(PaymentRequiredError);
    expect(error).toMatchObject({ code: "payment_invalid", status: 402, message: "Signature did not verify." });
    // The challenge from the first 402 is kept for the caller.
    expect(error.paymentRequired?.accepts[0]?.asset).toBe(mint);
    expect(agentRequests()).toHaveLength(2);
  });

  it("does not retry a connection failure once a payment was sent", async () => {
    onPaid = () => ({ status: 200, destroy: true });
    const error = await call(x402Client({}, 2)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(agentRequests()).toHaveLength(2);
  });

  it("wraps payment-building failures (e.g. RPC down) in PaymentRequiredError", async () => {
    const error = await call(x402Client({ rpcUrl: "http://127.0.0.1:9/rpc" })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaymentRequiredError);
    expect((error as Error).message).toMatch(/x402 payment failed/);
  });
});

describe("x402 configuration", () => {
  it("validates the signer and options up front", () => {
    expect(() => new SolRouter({ x402: {} as X402Options })).toThrow(ConfigurationError);
    expect(() => new SolRouter({ x402: { signer: { address: "abc" } } })).toThrow(/cannot sign/);
    expect(() => x402Client({ maxPaymentMicro: 0 })).toThrow(ConfigurationError);
    expect(() => x402Client({ networks: ["solana:nope" as never] })).toThrow(ConfigurationError);
    expect(() => new SolRouter({ apiKey: `sk_solrouter_${"a".repeat(38)}`, x402: { signer } })).toThrow(
      /either apiKey or x402/,
    );
  });

  it("ignores SOLROUTER_API_KEY in x402 mode and never prints the signer's secret", async () => {
    vi.stubEnv("SOLROUTER_API_KEY", `sk_solrouter_${"b".repeat(38)}`);
    const secret = new Uint8Array(64);
    secret.set(crypto.getRandomValues(new Uint8Array(32)));
    const pair = await crypto.subtle.generateKey("Ed25519", true, ["sign", "verify"]);
    const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", (pair as CryptoKeyPair).privateKey));
    const pub = new Uint8Array(await crypto.subtle.exportKey("raw", (pair as CryptoKeyPair).publicKey));
    secret.set(pkcs8.slice(-32), 0);
    secret.set(pub, 32);
    const fromBytes = await createKeyPairSignerFromBytes(secret);
    const c = new SolRouter({ baseUrl: server.url, x402: { signer: fromBytes } });

    const printed = [String(c), JSON.stringify(c), inspect(c, { showHidden: true, depth: 10 })];
    const secretHex = Buffer.from(secret.slice(0, 32)).toString("hex");
    const secretB64 = Buffer.from(secret.slice(0, 32)).toString("base64");
    for (const text of printed) {
      expect(text).toContain(fromBytes.address);
      expect(text).not.toContain(secretHex);
      expect(text).not.toContain(secretB64);
      expect(text).not.toContain("bbbbbbbb");
    }
    expect(String(c)).toBe(`SolRouter { baseUrl: '${server.url}', x402: { payer: '${fromBytes.address}' } }`);
  });
});
