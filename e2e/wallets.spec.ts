// Every way in besides a desktop extension: the local test wallet (localnet only), wallets that
// cannot sign messages (Ledger and the like: memo-transaction sign-in), and phones (wallet-app
// browse links, Mobile Wallet Adapter on Android). Plus the picker's keyboard behaviour.
import { devices, expect, test, type Page, type Request } from "@playwright/test";
import { Transaction } from "@solana/web3.js";
import nacl from "tweetnacl";
import { installTestWallet, type TestWalletOptions } from "./fixtures/test-wallet";
import { shot } from "./helpers";

const MEMO = "MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr";

// Phone emulation (viewport, touch, user agent) in the configured Chromium: the descriptors'
// defaultBrowserType would force WebKit, which is not installed here.
const phone = (name: "iPhone 14" | "Pixel 7") => {
  const { defaultBrowserType: _browser, ...rest } = devices[name];
  return rest;
};
const LOCAL = /Local test wallet/;

async function openPicker(page: Page) {
  await page.getByTestId("connect-wallet").first().click();
  await expect(page.getByTestId("wallet-picker")).toBeVisible();
}

/**
 * The open picker in both themes, as the viewport shows it (a full-page shot would cut the
 * backdrop off). The theme follows the system colour scheme when the page loads, hence the
 * reloads; the picker is open again, in light, afterwards.
 */
async function pickerShots(page: Page, name: string) {
  const dir = `${process.env.E2E_OUTPUT ?? "test-results"}/screenshots`;
  await page.screenshot({ path: `${dir}/${name}-light.png` });
  for (const scheme of ["dark", "light"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.reload();
    await openPicker(page);
    if (scheme === "dark") await page.screenshot({ path: `${dir}/${name}-dark.png` });
  }
}

test.describe("desktop", () => {
  test.use({ viewport: { width: 1440, height: 900 } });

  test("the local test wallet signs in, takes test tokens, tops up $5 and creates a key", async ({ page }) => {
    test.setTimeout(120_000);
    expect((await (await page.request.get("/api/config")).json()).cluster).toBe("localnet");
    await page.goto("/");
    await openPicker(page);
    const local = page.getByRole("button", { name: LOCAL });
    // No extension here: the test wallet is the only option, focused, and labelled as play money.
    await expect(local).toBeFocused();
    await expect(local).toContainText("Test money only");
    await expect(page.getByTestId("local-wallet-note")).toContainText("Test money only");
    await expect(page.getByText("No Solana wallet was found in this browser")).toBeVisible();
    await pickerShots(page, "wallets-local-picker-1440");
    await expect(local).toBeFocused();

    await page.keyboard.press("Enter");
    await page.waitForURL("**/dashboard");
    const address = await page.evaluate(async () => {
      const res = await fetch("/api/me");
      return ((await res.json()) as { wallet: string }).wallet;
    });
    await expect(page.getByTestId("wallet-chip")).toContainText(address.slice(0, 4));

    await page
      .getByRole("navigation", { name: "Dashboard" })
      .getByRole("link", { name: "Billing", exact: true })
      .click();
    await expect(page.getByTestId("wallet-connected")).toContainText("Local test wallet");
    await page.getByTestId("faucet-button").click();
    await expect(page.getByTestId("faucet-result")).toContainText("1,000 USDC");
    await expect(page.getByTestId("wallet-balances")).toContainText("1,000");
    await page.getByText("$5", { exact: true }).click();
    await page.getByTestId("topup-submit").click();
    await expect(page.getByTestId("topup-credited")).toContainText("$5.00 added. Your balance is $5.00.");
    await expect(page.getByTestId("balance")).toHaveText("$5.00");
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, "wallets-local-billing-1440");

    // After a reload the page registers the wallet again and reconnects it without a prompt.
    await page.reload();
    await expect(page.getByTestId("wallet-connected")).toContainText(address.slice(0, 4));

    await page.getByRole("navigation", { name: "Dashboard" }).getByRole("link", { name: "Keys", exact: true }).click();
    await page.getByTestId("create-key").click();
    await page.getByTestId("key-name").fill("from the test wallet");
    await page.keyboard.press("Enter");
    await expect(page.getByTestId("key-secret")).toContainText("sk_solrouter_");
  });

  test("picker: focus starts on the first wallet and returns to the trigger; the chip is named by its text", async ({
    page,
  }) => {
    const wallet = await installTestWallet(page, { signIn: true, name: "Test Wallet" });
    await page.goto("/");
    const trigger = page.getByTestId("connect-wallet").first();
    await trigger.focus();
    await page.keyboard.press("Enter");
    const options = page
      .getByTestId("wallet-picker")
      .getByRole("list", { name: "Wallets you can use" })
      .getByRole("button");
    // Extension wallets first; the page's own test wallet last.
    await expect(options.first()).toContainText("Test Wallet");
    await expect(options.last()).toContainText("Local test wallet");
    await expect(options.first()).toBeFocused();
    await page.keyboard.press("Escape");
    await expect(page.getByTestId("wallet-picker")).toBeHidden();
    await expect(trigger).toBeFocused();

    await page.keyboard.press("Enter");
    await page.getByRole("button", { name: "Close" }).click();
    await expect(trigger).toBeFocused();

    await page.keyboard.press("Enter");
    await page.getByRole("button", { name: /Test Wallet/ }).click();
    await page.waitForURL("**/dashboard");
    // axe's label-content-name-mismatch: the accessible name must contain (here: start with) the visible text.
    const chip = page.getByTestId("wallet-chip");
    const visible = await chip.evaluate((el) => {
      const copy = el.cloneNode(true) as HTMLElement;
      copy.querySelectorAll(".sr-only").forEach((n) => n.remove());
      return copy.textContent?.trim() ?? "";
    });
    expect(visible).toContain(wallet.address.slice(0, 4));
    expect(await chip.getAttribute("aria-label")).toBeNull();
    await expect(chip).toHaveAccessibleName(new RegExp(`^${visible.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
  });

  for (const mode of [
    { signMessage: "none", signIn: false, label: "a wallet without signMessage" },
    { signMessage: "ledger", signIn: true, label: "a Ledger whose message signing fails" },
  ] as const) {
    test(`${mode.label} signs in with a memo-only transaction`, async ({ page }) => {
      const opts: TestWalletOptions = { name: "Hardware Wallet", signIn: mode.signIn, signMessage: mode.signMessage };
      const wallet = await installTestWallet(page, opts);
      await page.goto("/");
      await openPicker(page);
      const verify = page.waitForRequest((r) => r.url().endsWith("/api/auth/verify") && r.method() === "POST");
      await page.getByRole("button", { name: /Hardware Wallet/ }).click();
      const req = await verify;
      await checkMemoProof(req, wallet.address, wallet.publicKey.toBytes());
      expect(wallet.signedMessages).toHaveLength(0);
      expect(wallet.signedTransactions).toHaveLength(1);

      const res = (await req.response())!;
      const supported = res.status() === 200 || (await res.json()).error?.code === "invalid_transaction";
      test.skip(!supported, "this server does not accept {transaction, account} at /api/auth/verify yet");
      expect(res.status()).toBe(200);
      await page.waitForURL("**/dashboard");
      await expect(page.getByTestId("wallet-chip")).toContainText(wallet.address.slice(0, 4));
    });
  }

  test("a Ledger that also refuses transactions gets a plain error and no session", async ({ page }) => {
    const wallet = await installTestWallet(page, { name: "Hardware Wallet", signIn: false, signMessage: "ledger" });
    await page.goto("/");
    await openPicker(page);
    wallet.rejectNext("signTransaction");
    await page.getByRole("button", { name: /Hardware Wallet/ }).click();
    await expect(page.getByTestId("signin-error")).toContainText("You declined the request in your wallet");
    await expect(page.getByRole("button", { name: /Hardware Wallet/ })).toBeFocused();
    expect((await page.request.get("/api/me")).status()).toBe(401);
  });
});

async function checkMemoProof(req: Request, address: string, publicKey: Uint8Array) {
  const body = req.postDataJSON() as { transaction: string; account: { address: string; publicKey: string } };
  expect(Object.keys(body).sort()).toEqual(["account", "transaction"]);
  expect(body.account.address).toBe(address);
  expect(Buffer.from(body.account.publicKey, "base64")).toEqual(Buffer.from(publicKey));
  const tx = Transaction.from(Buffer.from(body.transaction, "base64"));
  expect(tx.feePayer?.toBase58()).toBe(address);
  expect(tx.signatures.map((s) => s.publicKey.toBase58())).toEqual([address]);
  expect(tx.recentBlockhash).toBe("11111111111111111111111111111111");
  expect(tx.instructions).toHaveLength(1);
  const [memo] = tx.instructions;
  expect(memo!.programId.toBase58()).toBe(MEMO);
  expect(memo!.keys).toHaveLength(0);
  const text = new TextDecoder().decode(memo!.data);
  expect(text).toMatch(/^localhost:\d+ wants you to sign in with your Solana account:\n/);
  expect(text).toContain(`\n${address}\n`);
  expect(nacl.sign.detached.verify(tx.serializeMessage(), tx.signature!, publicKey)).toBe(true);
}

test.describe("iPhone", () => {
  test.use(phone("iPhone 14"));

  test("without a wallet, the picker opens the page in Phantom, Solflare or Backpack", async ({ page }) => {
    await page.goto("/?from=phone");
    await openPicker(page);
    const url = page.url();
    const enc = encodeURIComponent(url);
    const ref = encodeURIComponent(new URL(url).origin);
    await expect(page.getByRole("link", { name: "Open in Phantom" })).toHaveAttribute(
      "href",
      `https://phantom.app/ul/browse/${enc}?ref=${ref}`,
    );
    await expect(page.getByRole("link", { name: "Open in Solflare" })).toHaveAttribute(
      "href",
      `https://solflare.com/ul/v1/browse/${enc}?ref=${ref}`,
    );
    await expect(page.getByRole("link", { name: "Open in Backpack" })).toHaveAttribute(
      "href",
      `https://backpack.app/ul/v1/browse/${enc}?ref=${ref}`,
    );
    // No Mobile Wallet Adapter on iOS, and no extension store links on a phone.
    await expect(page.getByRole("button", { name: /Mobile Wallet Adapter/ })).toHaveCount(0);
    await expect(page.getByRole("link", { name: /Install/ })).toHaveCount(0);
    await pickerShots(page, "wallets-phone-picker-390");
  });

  test("inside a wallet app's browser (wallet injected), no Open in links", async ({ page }) => {
    await installTestWallet(page, { signIn: true, name: "Phantom" });
    await page.goto("/");
    await openPicker(page);
    await expect(page.getByRole("button", { name: /Phantom/ })).toBeFocused();
    await expect(page.getByTestId("open-in-wallet")).toHaveCount(0);
  });
});

test.describe("Android", () => {
  test.use(phone("Pixel 7"));

  test("the Mobile Wallet Adapter is offered next to the browse links", async ({ page }) => {
    await page.goto("/");
    await openPicker(page);
    const mwa = page.getByRole("button", { name: /Mobile Wallet Adapter/ });
    await expect(mwa).toBeVisible();
    await expect(mwa).toContainText("A wallet app on this phone");
    await expect(page.getByRole("link", { name: "Open in Phantom" })).toHaveAttribute(
      "href",
      /^https:\/\/phantom\.app\/ul\/browse\/http%3A%2F%2Flocalhost%3A\d+%2F\?ref=http%3A%2F%2Flocalhost%3A\d+$/,
    );
    await pickerShots(page, "wallets-android-picker-412");
  });
});
