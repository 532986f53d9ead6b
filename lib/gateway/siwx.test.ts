// Sign in with x402: a wallet with a Solrouter balance answers the 402's sign-in-with-x challenge
// (signed by @x402/extensions' own client code) and is served from its balance, charged once
// what the catalogue says; without the balance it gets the 402 again; replayed, foreign or
// expired proofs are refused and change nothing.
import nacl from "tweetnacl";
import bs58 from "bs58";
import { afterEach, describe, expect, it, vi } from "vitest";
import { decodePaymentRequiredHeader } from "@x402/core/http";
import {
  createSIWxPayload,
  encodeSIWxHeader,
  formatSIWSMessage,
  type CompleteSIWxInfo,
} from "@x402/extensions/sign-in-with-x";
import { validateDiscoveryExtension } from "@x402/extensions/bazaar";
import { testDbKinds } from "@/lib/test/db";
import { call } from "@/lib/test/http";
import { credit, testRuntime } from "@/lib/test/runtime";
import { testLocalX402 } from "@/lib/test/x402";
import { signedInAccount } from "@/lib/test/session";
import { checkLedger } from "@/lib/billing/ledger-check";
import { MODELS } from "@/lib/models";
import { catalogueCost, standInUsage } from "@/lib/test/catalogue";
import { POST as agent } from "@/app/agent/route";
import { POST as chat } from "@/app/v1/chat/completions/route";

const model = MODELS[0]!;
const BASE = "http://localhost:3000";
const agentBody = { prompt: "hello from an agent wallet", model: model.id, maxTokens: 32 };
const chatBody = {
  model: model.id,
  messages: [{ role: "user", content: "hello from an agent wallet" }],
  max_tokens: 32,
};

type Wallet = { address: string; secretKey: Uint8Array };
const newWallet = (): Wallet => {
  const kp = nacl.sign.keyPair();
  return { address: bs58.encode(kp.publicKey), secretKey: kp.secretKey };
};
const signer = (w: Wallet) => ({
  publicKey: w.address,
  signMessage: async (m: Uint8Array) => nacl.sign.detached(m, w.secretKey),
});

const postAgent = (headers: Record<string, string> = {}) =>
  call(agent, { method: "POST", path: "/agent", body: agentBody, origin: null, headers });

/** The 402's sign-in-with-x challenge, completed with the chain it offers (as a client does). */
function challengeOf(res: { headers: Headers }): CompleteSIWxInfo {
  const pr = decodePaymentRequiredHeader(res.headers.get("payment-required")!);
  const ext = pr.extensions!["sign-in-with-x"] as {
    info: Omit<CompleteSIWxInfo, "chainId" | "type">;
    supportedChains: { chainId: string; type: "ed25519" }[];
  };
  const chain = ext.supportedChains.find((c) => c.chainId === pr.accepts[0]!.network)!;
  return { ...ext.info, chainId: chain.chainId, type: chain.type };
}

async function proofFor(w: Wallet, info: CompleteSIWxInfo, url = `${BASE}/agent`) {
  return encodeSIWxHeader(await createSIWxPayload(info, signer(w), url));
}

/** What the stand-in model reports for the /agent body, priced from the catalogue and rounded up. */
async function expectedCost(upstreamUrl: string): Promise<bigint> {
  const messages = [{ role: "user", content: agentBody.prompt }];
  const usage = await standInUsage(upstreamUrl, { model: model.id, messages, max_tokens: agentBody.maxTokens });
  return catalogueCost(model, usage.prompt_tokens, usage.completion_tokens);
}

const { env: clusterAppEnv } = testLocalX402("siwx-test-");

describe.each(testDbKinds())("sign in with x402 (%s)", (kind) => {
  const { db, model: upstream } = testRuntime(kind, { model: true, env: clusterAppEnv });
  const balance = async (accountId: string) =>
    BigInt(
      (await db.query<{ b: string }>("SELECT balance_micro::text AS b FROM accounts WHERE id = $1", [accountId]))[0]!.b,
    );

  afterEach(() => vi.useRealTimers());

  it("every 402 offers a fresh challenge for this origin and chain, and the route's bazaar discovery", async () => {
    const [a, b] = [await postAgent(), await postAgent()];
    expect(a.status).toBe(402);
    const [ia, ib] = [challengeOf(a), challengeOf(b)];
    expect(ia).toMatchObject({ domain: "localhost:3000", uri: BASE, version: "1", type: "ed25519" });
    expect(ia.chainId).toMatch(/^solana:/);
    expect(ia.nonce).not.toBe(ib.nonce);
    expect(Date.parse(ia.expirationTime!) - Date.parse(ia.issuedAt)).toBe(300_000);
    const pr = decodePaymentRequiredHeader(a.headers.get("payment-required")!);
    const bazaar = pr.extensions!.bazaar as Parameters<typeof validateDiscoveryExtension>[0];
    expect(validateDiscoveryExtension(bazaar)).toMatchObject({ valid: true });
    expect((bazaar.info.input as { method?: string }).method).toBe("POST");
    const chatRes = await call(chat, { method: "POST", path: "/v1/chat/completions", body: chatBody, origin: null });
    const chatBazaar = decodePaymentRequiredHeader(chatRes.headers.get("payment-required")!).extensions!.bazaar as {
      schema: { properties: { input: { properties: { body: { required: string[] } } } } };
    };
    expect(chatBazaar.schema.properties.input.properties.body.required).toEqual(
      expect.arrayContaining(["model", "messages"]),
    );
  });

  it("a funded wallet is served from its balance without paying, charged the catalogue price once", async () => {
    const w = newWallet();
    const { accountId } = await signedInAccount(w.address);
    await credit(accountId, 1_000_000n);
    const cost = await expectedCost(upstream.url);
    const proof = await proofFor(w, challengeOf(await postAgent()));
    const res = await postAgent({ "sign-in-with-x": proof });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get("payment-response")).toBeNull();
    expect(BigInt(res.json.costMicro)).toBe(cost);
    expect(res.headers.get("x-solrouter-cost-micro")).toBe(String(cost));
    expect(await balance(accountId)).toBe(1_000_000n - cost);
    const events = await db.query<{ auth_kind: string; key_id: string | null; cost: string }>(
      "SELECT auth_kind, key_id, cost_micro::text AS cost FROM usage_events WHERE account_id = $1",
      [accountId],
    );
    expect(events).toEqual([{ auth_kind: "siwx", key_id: null, cost: String(cost) }]);
    expect(await checkLedger(db)).toEqual([]);

    // The same proof again, even at once from many clients: refused, nothing more charged.
    const replays = await Promise.all(Array.from({ length: 5 }, () => postAgent({ "sign-in-with-x": proof })));
    for (const r of replays) expect([r.status, r.json.error.code]).toEqual([401, "nonce_used"]);
    expect(await balance(accountId)).toBe(1_000_000n - cost);
  });

  it("concurrent fresh proofs of one challenge: exactly one is served", async () => {
    const w = newWallet();
    const { accountId } = await signedInAccount(w.address);
    await credit(accountId, 1_000_000n);
    const proof = await proofFor(w, challengeOf(await postAgent()));
    const all = await Promise.all(Array.from({ length: 6 }, () => postAgent({ "sign-in-with-x": proof })));
    expect(all.filter((r) => r.status === 200)).toHaveLength(1);
    expect(all.filter((r) => r.status === 401 && r.json.error.code === "nonce_used")).toHaveLength(5);
    expect(await checkLedger(db)).toEqual([]);
  });

  it("streamed chat completions are served from the balance too", async () => {
    const w = newWallet();
    const { accountId } = await signedInAccount(w.address);
    await credit(accountId, 1_000_000n);
    const unpaid = await call(chat, { method: "POST", path: "/v1/chat/completions", body: chatBody, origin: null });
    const proof = await proofFor(w, challengeOf(unpaid), `${BASE}/v1/chat/completions`);
    const res = await call(chat, {
      method: "POST",
      path: "/v1/chat/completions",
      body: { ...chatBody, stream: true },
      origin: null,
      headers: { "sign-in-with-x": proof },
    });
    expect(res.status, res.text).toBe(200);
    const last = res.text
      .split("\n\n")
      .filter((l) => l.startsWith("data: {"))
      .map((l) => JSON.parse(l.slice(6)))
      .at(-1);
    expect(last.usage.cost_micro).toBeGreaterThan(0);
    expect(await balance(accountId)).toBe(1_000_000n - BigInt(last.usage.cost_micro));
  });

  it("without an account or enough balance: the 402 again, saying why, with a new challenge; nothing charged", async () => {
    const stranger = newWallet();
    const first = challengeOf(await postAgent());
    const noAccount = await postAgent({ "sign-in-with-x": await proofFor(stranger, first) });
    expect(noAccount.status).toBe(402);
    expect(noAccount.json.error.message).toContain("has no Solrouter account");
    expect(challengeOf(noAccount).nonce).not.toBe(first.nonce);

    const poor = newWallet();
    const { accountId } = await signedInAccount(poor.address);
    await credit(accountId, 5n);
    const low = await postAgent({ "sign-in-with-x": await proofFor(poor, challengeOf(await postAgent())) });
    expect(low.status).toBe(402);
    expect(low.json.error.message).toContain("too low");
    expect(low.headers.get("payment-required")).toBeTruthy();
    expect(await balance(accountId)).toBe(5n);
  });

  it("refuses proofs for another domain, altered or self-made nonces, bad signatures and expired messages", async () => {
    const w = newWallet();
    const { accountId } = await signedInAccount(w.address);
    await credit(accountId, 1_000_000n);
    const sign = (info: CompleteSIWxInfo, fields: Record<string, string> = {}) => {
      const payload = { ...info, ...fields, address: w.address };
      const sig = nacl.sign.detached(new TextEncoder().encode(formatSIWSMessage(payload, w.address)), w.secretKey);
      return encodeSIWxHeader({ ...payload, signature: bs58.encode(sig) });
    };
    const refusedWith = async (header: string) => {
      const r = await postAgent({ "sign-in-with-x": header });
      return [r.status, r.json.error.code];
    };
    const info = challengeOf(await postAgent());
    expect(await refusedWith(sign(info, { domain: "evil.example", uri: "https://evil.example" }))).toEqual([
      401,
      "domain_mismatch",
    ]);
    expect(await refusedWith(sign(info, { nonce: "a".repeat(56) }))).toEqual([401, "nonce_unknown"]);
    const later = new Date(Date.parse(info.expirationTime!) + 3_600_000).toISOString();
    expect(await refusedWith(sign(info, { expirationTime: later }))).toEqual([401, "nonce_unknown"]);
    const forged = JSON.parse(Buffer.from(sign(info), "base64").toString()) as Record<string, string>;
    forged.signature = bs58.encode(nacl.sign.detached(new TextEncoder().encode("other"), w.secretKey));
    expect(await refusedWith(Buffer.from(JSON.stringify(forged)).toString("base64"))).toEqual([
      401,
      "invalid_signature",
    ]);
    expect(await refusedWith("not base64 json!")).toEqual([401, "invalid_message"]);

    const stale = challengeOf(await postAgent());
    vi.useFakeTimers({ toFake: ["Date"], now: Date.parse(stale.expirationTime!) + 1_000 });
    expect(await refusedWith(sign(stale))).toEqual([401, "message_expired"]);
    vi.useRealTimers();
    expect(await balance(accountId)).toBe(1_000_000n);
  });
});
