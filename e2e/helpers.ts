import type { Page } from "@playwright/test";
import { expect } from "@playwright/test";
import { installTestWallet, type TestWallet, type TestWalletOptions } from "./fixtures/test-wallet";

export async function config(page: Page): Promise<{ rpcUrl: string; usdcMint: string; routerMint: string; treasury: string; cluster: string }> {
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
  await page.screenshot({ path: `${process.env.E2E_OUTPUT ?? "test-results"}/screenshots/${name}.png`, fullPage: true });
}
