// The SDK's x402 mode with `signIn`: a wallet with a Solrouter balance is served from it (no
// USDC moves); the same wallet without a balance pays per call as before. Against the server's
// own routes over HTTP on the local cluster.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credit, testRuntime } from "@/lib/test/runtime";
import { signedInAccount } from "@/lib/test/session";
import { testLocalX402 } from "@/lib/test/x402";
import { serveRoutes } from "@/lib/test/serve";
import { createTestPayer, tokenBalance } from "@/lib/test/x402-payer";
import * as agentRoute from "@/app/agent/route";
import { ConfigurationError, SolRouter } from "./index.js";

// The sign-in challenge is bound to APP_URL's origin, so the server must answer there.
const PORT = 4397;
const { ln, env: clusterAppEnv } = testLocalX402("sdk-siwx-");
const { db } = testRuntime("pglite", {
  model: true,
  env: () => ({ ...clusterAppEnv(), APP_URL: `http://127.0.0.1:${PORT}` }),
});
let server: { url: string; close(): Promise<void> };

beforeAll(async () => {
  server = await serveRoutes({ "/agent": agentRoute }, { port: PORT });
});
afterAll(() => server?.close());

const balanceOf = async (wallet: string) =>
  BigInt(
    (await db.query<{ b: string }>("SELECT balance_micro::text AS b FROM accounts WHERE wallet = $1", [wallet]))[0]
      ?.b ?? "0",
  );

describe("@solrouter/sdk x402 mode with signIn", () => {
  it("spends the wallet's Solrouter balance when it has one, and pays per call when it has none", async () => {
    const payer = await createTestPayer({ rpcUrl: ln.info.rpcUrl, mints: [ln.info.usdcMint] });
    const client = new SolRouter({
      baseUrl: server.url,
      maxRetries: 0,
      x402: { signer: payer.signer, rpcUrl: ln.info.rpcUrl, maxPaymentMicro: 10_000, signIn: true },
    });
    const treasury = () => tokenBalance(ln.info.rpcUrl, ln.info.treasury, ln.info.usdcMint);
    const wallet = payer.signer.address;

    // No account yet: signed in, refused for want of a balance, then paid on chain.
    const before = await treasury();
    const paid = await client.agent({ prompt: "paid hello", model: "gpt-oss:20b", maxTokens: 32 });
    expect(await treasury()).toBe(before + BigInt(paid.costMicro));

    // Funded: served from the balance, the treasury untouched.
    await credit((await signedInAccount(wallet)).accountId, 1_000_000n);
    const fromBalance = await client.agent({ prompt: "balance hello", model: "gpt-oss:20b", maxTokens: 32 });
    expect(fromBalance.costMicro).toBeGreaterThan(0);
    expect(await treasury()).toBe(before + BigInt(paid.costMicro));
    expect(await balanceOf(wallet)).toBe(1_000_000n - BigInt(fromBalance.costMicro));
    const kinds = await db.query<{ auth_kind: string }>(
      "SELECT auth_kind FROM usage_events u JOIN accounts a ON a.id = u.account_id WHERE a.wallet = $1 ORDER BY u.id",
      [wallet],
    );
    expect(kinds.map((k) => k.auth_kind)).toEqual(["x402", "siwx"]);
  });

  it("refuses signIn with a signer that cannot sign messages", () => {
    const signer = { address: "11111111111111111111111111111111", signTransactions: async () => [] };
    expect(() => new SolRouter({ x402: { signer, signIn: true } })).toThrow(ConfigurationError);
  });
});
