// The SDK against the server's own /agent code over HTTP, in both modes: an API key billed from
// the prepaid balance, and x402 paid per call on the local cluster.
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fundedKey, testRuntime } from "@/lib/test/runtime";
import { testLocalX402 } from "@/lib/test/x402";
import { serveRoutes } from "@/lib/test/serve";
import { signedInAccount } from "@/lib/test/session";
import { postLedgerEntry } from "@/lib/billing/ledger";
import { generateApiKey } from "@/lib/keys/format";
import { createTestPayer, tokenBalance } from "@/lib/test/x402-payer";
import * as agentRoute from "@/app/agent/route";
import * as modelsRoute from "@/app/api/models/route";
import { AuthenticationError, InsufficientBalanceError, PermissionDeniedError, SolRouter } from "./index.js";

const { ln, env: clusterAppEnv } = testLocalX402("sdk-server-");
const { db } = testRuntime("pglite", { model: true, env: clusterAppEnv });
let server: { url: string; close(): Promise<void> };

beforeAll(async () => {
  server = await serveRoutes({ "/agent": agentRoute, "/api/models": modelsRoute });
});
afterAll(() => server?.close());

describe("@solrouter/sdk against the server", () => {
  it("calls /agent with an API key, maps errors to typed classes, never shows the key", async () => {
    const { accountId } = await signedInAccount();
    const key = generateApiKey();
    await db.query("INSERT INTO api_keys (account_id, name, key_hash, start) VALUES ($1, 'sdk', $2, $3)", [
      accountId,
      key.hash,
      key.start,
    ]);
    const client = new SolRouter({ apiKey: key.secret, baseUrl: server.url, maxRetries: 0 });
    await expect(client.agent({ prompt: "hi", model: "gpt-oss:20b" })).rejects.toBeInstanceOf(InsufficientBalanceError);
    await postLedgerEntry({ accountId, amountMicro: 1_000_000n, kind: "adjustment", reference: `sdk:${accountId}` });
    const res = await client.agent({ prompt: "Say hi", model: "gpt-oss:20b", maxTokens: 64 });
    expect(res.output).toContain("stand-in");
    expect(res.costMicro).toBeGreaterThan(0);
    expect((await client.models()).map((m) => m.id)).toContain("gpt-oss:120b");
    for (const shown of [String(client), JSON.stringify(client), inspect(client)])
      expect(shown).not.toContain(key.secret);

    const revokedOrBad = new SolRouter({
      apiKey: key.secret.slice(0, -1) + (key.secret.endsWith("x") ? "y" : "x"),
      baseUrl: server.url,
      maxRetries: 0,
    });
    const err = await revokedOrBad.agent({ prompt: "hi", model: "gpt-oss:20b" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(inspect(err)).not.toContain(key.secret.slice(13, 45));
  });

  it("a model outside the key's allowlist is a PermissionDeniedError; one inside is served", async () => {
    const { keyId, secret } = await fundedKey(1_000_000n);
    await db.query("UPDATE api_keys SET models = $2 WHERE id = $1", [keyId, ["gpt-oss:20b"]]);
    const client = new SolRouter({ apiKey: secret, baseUrl: server.url, maxRetries: 0 });
    const err = await client.agent({ prompt: "hi", model: "gpt-oss:120b" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermissionDeniedError);
    expect(err).toMatchObject({ status: 403, code: "model_not_allowed" });
    expect((await client.agent({ prompt: "hi", model: "gpt-oss:20b", maxTokens: 16 })).costMicro).toBeGreaterThan(0);
  });

  it("pays per call with x402 given only a wallet signer", async () => {
    const payer = await createTestPayer({ rpcUrl: ln.info.rpcUrl, mints: [ln.info.usdcMint] });
    const client = new SolRouter({
      baseUrl: server.url,
      x402: { signer: payer.signer, rpcUrl: ln.info.rpcUrl, maxPaymentMicro: 10_000 },
    });
    const before = await tokenBalance(ln.info.rpcUrl, ln.info.treasury, ln.info.usdcMint);
    const res = await client.agent({ prompt: "paid hello", model: "gpt-oss:20b", maxTokens: 32 });
    expect(res.output).toContain("stand-in");
    expect(await tokenBalance(ln.info.rpcUrl, ln.info.treasury, ln.info.usdcMint)).toBe(before + BigInt(res.costMicro));
  });
});
