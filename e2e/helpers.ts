import type { Page } from "@playwright/test";
import { expect } from "@playwright/test";
import { installTestWallet, type TestWallet, type TestWalletOptions } from "./fixtures/test-wallet";

export async function config(
  page: Page,
): Promise<{ rpcUrl: string; usdcMint: string; routerMint: string; treasury: string; cluster: string }> {
  const res = await page.request.get("/api/config");
  return res.json();
}

/** Connects the injected test wallet through the picker and waits for the dashboard. */
export async function signIn(page: Page, opts: Partial<TestWalletOptions> = {}): Promise<TestWallet> {
  const wallet = await installTestWallet(page, { signIn: true, name: "Test Wallet", ...opts });
  await page.goto("/");
  await page.getByTestId("connect-wallet").first().click();
  await page.getByRole("button", { name: new RegExp(opts.name ?? "Test Wallet") }).click();
  await page.waitForURL("**/dashboard");
  await expect(page.getByTestId("wallet-chip")).toContainText(wallet.address.slice(0, 4));
  return wallet;
}

export async function shot(page: Page, name: string) {
  await page.screenshot({
    path: `${process.env.E2E_OUTPUT ?? "test-results"}/screenshots/${name}.png`,
    fullPage: true,
  });
}

/**
 * Funds the signed-in account for real, the way a user does but without the UI: test tokens
 * from the faucet, a USDC top-up intent, a transfer signed by the test wallet's key on the local
 * cluster, and confirm until credited.
 */
export async function fundAccount(page: Page, wallet: TestWallet, usd: number): Promise<void> {
  const { Connection, PublicKey } = await import("@solana/web3.js");
  const { TOKEN_PROGRAM_ID } = await import("@solana/spl-token");
  const { buildTopupTransaction } = await import("@solrouter/sdk/topup");
  const origin = new URL(page.url()).origin;
  const headers = { origin };
  expect((await page.request.post("/api/dev/faucet", { headers })).status()).toBe(200);
  const created = await page.request.post("/api/topups", {
    headers,
    data: { token: "USDC", creditMicro: usd * 1_000_000 },
  });
  expect(created.status()).toBe(201);
  const { topup } = await created.json();
  const { rpcUrl } = await config(page);
  const conn = new Connection(rpcUrl, "confirmed");
  await expect
    .poll(
      async () =>
        (await conn.getParsedTokenAccountsByOwner(wallet.publicKey, { mint: new PublicKey(topup.mint) })).value.length,
      { timeout: 15_000 },
    )
    .toBeGreaterThan(0);
  const tx = buildTopupTransaction(wallet.publicKey, topup, TOKEN_PROGRAM_ID, await conn.getLatestBlockhash());
  tx.sign(wallet.keypair);
  const signature = await conn.sendRawTransaction(tx.serialize());
  await expect
    .poll(
      async () =>
        (await page.request.post(`/api/topups/${topup.id}/confirm`, { headers, data: { signature } })).status(),
      { timeout: 20_000 },
    )
    .toBe(200);
}
