import { expect, test } from "@playwright/test";
import { installTestWallet } from "./fixtures/test-wallet";
import { shot, signIn } from "./helpers";

for (const variant of [
  { name: "Phantomish", signIn: true, label: "one-step solana:signIn" },
  { name: "Fallbackish", signIn: false, label: "signMessage fallback" },
]) {
  test(`sign in with ${variant.label}, reload, sign out`, async ({ page }) => {
    const wallet = await signIn(page, { name: variant.name, signIn: variant.signIn });
    expect(wallet.signedMessages).toHaveLength(1);
    const text = new TextDecoder().decode(wallet.signedMessages[0]);
    expect(text).toContain("wants you to sign in with your Solana account:");
    expect(text).toContain(wallet.address);

    await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
    if (variant.signIn) await shot(page, "dashboard");

    await page.reload();
    await expect(page.getByTestId("wallet-chip")).toContainText(wallet.address.slice(0, 4));
    expect((await page.request.get("/api/me")).status()).toBe(200);

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL((u) => u.pathname === "/");
    await expect(page.getByTestId("connect-wallet").first()).toBeVisible();
    const me = await page.request.get("/api/me");
    expect(me.status()).toBe(401);
    expect((await me.json()).error.code).toBe("unauthenticated");
    // The dashboard now sends the visitor back to the landing page.
    await page.goto("/keys");
    await page.waitForURL((u) => u.pathname === "/");
  });
}

test("a rejected signature gets a clear message and a retry", async ({ page }) => {
  const wallet = await installTestWallet(page, { signIn: true, name: "Test Wallet" });
  await page.goto("/");
  await shot(page, "landing");
  wallet.rejectNext("signIn");
  await page.getByTestId("connect-wallet").first().click();
  await expect(page.getByTestId("wallet-picker")).toBeVisible();
  await shot(page, "wallet-picker");
  await page.getByRole("button", { name: /Test Wallet/ }).click();
  await expect(page.getByTestId("signin-error")).toContainText("You declined the request in your wallet");
  expect((await page.request.get("/api/me")).status()).toBe(401);
  await page.getByRole("button", { name: /Test Wallet/ }).click();
  await page.waitForURL("**/dashboard");
});

test("the picker links to the three wallets when none is installed", async ({ page }) => {
  await page.goto("/");
  await page.getByTestId("connect-wallet").first().click();
  await expect(page.getByText("No Solana wallet was found")).toBeVisible();
  for (const name of ["Phantom", "Backpack", "Solflare"]) {
    await expect(page.getByRole("link", { name: `Install ${name} ↗` })).toBeVisible();
  }
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("wallet-picker")).toBeHidden();
});

test("after a declined message and a wallet-side disconnect, retrying signs in", async ({ page }) => {
  const wallet = await installTestWallet(page, { signIn: false, name: "Test Wallet" });
  await page.goto("/");
  wallet.rejectNext("signMessage");
  await page.getByTestId("connect-wallet").first().click();
  await page.getByRole("button", { name: /Test Wallet/ }).click();
  await expect(page.getByTestId("signin-error")).toBeVisible();
  await wallet.disconnect();
  await page.getByRole("button", { name: /Test Wallet/ }).click();
  await page.waitForURL("**/dashboard");
});
