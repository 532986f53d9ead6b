import { expect, test, type Page } from "@playwright/test";
import { installTestWallet } from "./fixtures/test-wallet";
import { config } from "./helpers";

// The whole path by keyboard: sign in, create and copy a key, top up with a preset amount, revoke
// the key; after every dialog, focus lands on something sensible (never the body).

const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return el
      ? `${el.tagName.toLowerCase()}|${el.dataset.testid ?? ""}|${el.textContent?.trim().slice(0, 40) ?? ""}`
      : "";
  });

async function tabTo(page: Page, testId: string, max = 40) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    if ((await focused(page)).split("|")[1] === testId) return;
  }
  throw new Error(`Tab never reached ${testId}; stopped at ${await focused(page)}`);
}

test("sign in, create and copy a key, top up with a preset, revoke: keyboard only", async ({ page }) => {
  test.setTimeout(180_000);
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  const wallet = await installTestWallet(page, {
    signIn: true,
    name: "Test Wallet",
    rpcUrl: (await config(page)).rpcUrl,
  });

  // Sign in: the skip link comes first, then the header's connect button.
  await page.goto("/");
  await page.keyboard.press("Tab");
  expect(await focused(page)).toContain("Skip to content");
  await tabTo(page, "connect-wallet");
  // The picker closes on Escape and hands focus back to the button that opened it.
  await page.keyboard.press("Enter");
  const walletButton = page.getByRole("button", { name: /Test Wallet/ });
  await expect(walletButton).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(walletButton).toBeHidden();
  await expect(page.getByTestId("connect-wallet").first()).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(walletButton).toBeVisible();
  for (let i = 0; i < 10 && !(await walletButton.evaluate((b) => b === document.activeElement)); i++)
    await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  await page.waitForURL("**/dashboard");

  // Create a key, copy it (which ticks "I have copied this key"), close: focus back on Create key.
  await page.goto("/keys");
  await tabTo(page, "create-first-key");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("key-name")).toBeFocused();
  await page.keyboard.type("keyboard key");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("secret-dialog")).toBeVisible();
  await tabTo(page, "copy-secret");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("copied-confirm")).toBeChecked();
  const secret = (await page.getByTestId("key-secret").textContent())!.trim();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
  await tabTo(page, "secret-done");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("secret-dialog")).toBeHidden();
  await expect(page.getByTestId("toasts")).toContainText("“keyboard key” created");
  // The secret dialog opened as the create dialog closed, and "Create your first key" is gone with
  // the empty state: focus goes to the header's "Create key".
  await expect(page.getByTestId("create-key")).toBeFocused();

  // Top up $5 with the arrow keys: Tab passes "Other amount" without dropping the choice.
  await page.goto("/billing");
  await expect(page.getByTestId("wallet-connected")).toBeVisible();
  await tabTo(page, "faucet-button");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("faucet-result")).toContainText("Sent 1 SOL");
  await expect(page.getByTestId("wallet-balances")).toContainText("1,000");
  await page.getByRole("radio", { name: "$20" }).focus();
  await page.keyboard.press("ArrowLeft");
  await expect(page.getByRole("radio", { name: "$5" })).toBeChecked();
  await page.keyboard.press("Tab");
  await expect(page.getByTestId("topup-custom-amount")).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(page.getByTestId("topup-submit")).toBeFocused();
  await expect(page.getByTestId("topup-submit")).toHaveText("Top up $5.00");
  await expect(page.getByTestId("topup-submit")).toBeEnabled({ timeout: 20_000 });
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("topup-credited")).toContainText("$5.00 added", { timeout: 30_000 });
  await expect(page.getByTestId("toasts")).toContainText("$5.00 added to your balance");
  expect(wallet.signedTransactions).toHaveLength(1);

  // Revoke: focus lands on the revoked key's row, which now says so.
  await page.goto("/keys");
  await tabTo(page, "revoke-key");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("revoke-dialog")).toBeVisible();
  await tabTo(page, "revoke-confirm");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("revoke-dialog")).toBeHidden();
  const row = page.getByTestId("key-row").filter({ hasText: "keyboard key" });
  await expect(row).toHaveAttribute("data-status", "revoked");
  await expect(row).toBeFocused();
  await expect(page.getByTestId("toasts")).toContainText("“keyboard key” revoked");
});
