import { expect, test, type Page } from "@playwright/test";
import { Connection, PublicKey, Transaction } from "@solana/web3.js";
import { TOKEN_PROGRAM_ID } from "@solana/spl-token";
import bs58 from "bs58";
import { buildTopupTransaction, MEMO_PROGRAM_ID } from "@solrouter/sdk/topup";
import { config, shot as fullShot, signIn } from "./helpers";

// The dashboard header is sticky: take full-page shots from the top so it is not painted mid-page.
async function shot(page: Page, name: string) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await fullShot(page, name);
}

test("top up $5 in USDC from the wallet, then pay another top-up by QR code", async ({ page }) => {
  test.setTimeout(120_000);
  const { rpcUrl, usdcMint, treasury } = await config(page);
  const wallet = await signIn(page, { rpcUrl });
  await page.getByRole("navigation", { name: "Dashboard" }).getByRole("link", { name: "Billing", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Billing" })).toBeVisible();
  // The wallet used for sign-in reconnects without a prompt.
  await expect(page.getByTestId("wallet-connected")).toContainText(wallet.address.slice(0, 4));
  await expect(page.getByTestId("balance")).toHaveText("$0.00");
  await expect(page.getByTestId("history-empty")).toBeVisible();

  // No tokens yet: said plainly before the wallet is asked to sign anything.
  await page.getByText("$5", { exact: true }).click();
  await expect(page.getByTestId("topup-submit")).toHaveText("Top up $5.00");
  await expect(page.getByTestId("topup-hint")).toContainText("This top-up needs 5 USDC, and your wallet holds 0 USDC");
  await expect(page.getByTestId("topup-submit")).toBeDisabled();
  expect(wallet.signedTransactions).toHaveLength(0);
  await shot(page, "billing-error");

  await page.getByTestId("faucet-button").click();
  await expect(page.getByTestId("faucet-result")).toContainText("Sent 1 SOL, 1,000 USDC and 20,000 $ROUTER");
  await expect(page.getByTestId("wallet-balances")).toContainText("1,000");

  // A declined signature gets plain words and a retry that works.
  wallet.rejectNext("signTransaction");
  await expect(page.getByTestId("topup-submit")).toBeEnabled();
  await page.getByTestId("topup-submit").click();
  await expect(page.getByTestId("topup-error")).toContainText(
    "You declined the transaction in your wallet. Nothing was sent.",
  );
  await page.getByTestId("topup-retry").click();
  await expect(page.getByTestId("topup-credited")).toContainText("$5.00 added. Your balance is $5.00.");
  for (const step of ["signing", "sending", "confirming", "credited"]) {
    await expect(page.getByTestId(`topup-step-${step}`)).toHaveAttribute("data-state", "done");
  }
  await expect(page.getByTestId("balance")).toHaveText("$5.00");

  // The signed transaction is the Solana Pay layout: memo, then TransferChecked carrying the reference.
  expect(wallet.signedTransactions).toHaveLength(1);
  const sent = Transaction.from(wallet.signedTransactions[0]!);
  expect(sent.instructions.map((i) => i.programId.toBase58())).toEqual([
    MEMO_PROGRAM_ID.toBase58(),
    TOKEN_PROGRAM_ID.toBase58(),
  ]);
  expect(new TextDecoder().decode(sent.instructions[0]!.data)).toMatch(/^solrouter:topup:[0-9a-f-]{36}$/);
  const signature = bs58.encode(sent.signature!);

  const row = page.getByTestId("history-row").first();
  await expect(row).toHaveAttribute("data-status", "credited");
  await expect(row).toContainText("$5.00");
  await expect(row).toContainText("5 USDC");
  await expect(row).toContainText("Credited");
  const link = row.getByTestId("history-explorer-link");
  await expect(link).toContainText(signature.slice(0, 6));
  await expect(link).toHaveAttribute(
    "href",
    `https://explorer.solana.com/tx/${signature}?cluster=custom&customUrl=${encodeURIComponent(rpcUrl)}`,
  );
  await shot(page, "billing-credited");
  await page.getByTestId("topup-progress").getByRole("button", { name: "Done" }).click();
  await shot(page, "billing-light");

  await page.emulateMedia({ colorScheme: "dark" });
  await page.reload();
  await expect(page.getByTestId("balance")).toHaveText("$5.00");
  await expect(page.getByTestId("wallet-balances")).toContainText("995");
  // Hydration kept the theme the head script set (a mismatch would re-render the document).
  await expect(page.locator("html")).toHaveClass(/dark/);
  await shot(page, "billing-dark");
  await page.emulateMedia({ colorScheme: "light" });
  await page.reload();

  // Pay with phone: $ROUTER quoted at the locked price, paid by "a phone" (here: Node), credited by the reconciler.
  await page.getByRole("radio", { name: "$ROUTER" }).check({ force: true });
  await page.getByText("$20", { exact: true }).click();
  await expect(page.getByTestId("topup-quote")).toContainText("400 $ROUTER");
  await page.getByTestId("pay-with-phone").click();
  const dialog = page.getByTestId("qr-dialog");
  await expect(dialog.getByTestId("qr-code").locator("svg")).toBeVisible();
  await expect(dialog).toContainText("400 $ROUTER");
  const url = (await dialog.locator("code").textContent())!;
  expect(url).toMatch(new RegExp(`^solana:${treasury}\\?amount=400&spl-token=`));
  await shot(page, "billing-qr");

  const params = new URL(url.replace(/^solana:/, "https://x/")).searchParams;
  const conn = new Connection(rpcUrl, "confirmed");
  const routerMint = params.get("spl-token")!;
  expect(routerMint).not.toBe(usdcMint);
  const treasuryAta = (
    await conn.getTokenAccountsByOwner(new PublicKey(treasury), { mint: new PublicKey(routerMint) })
  ).value[0]!.pubkey.toBase58();
  const tx = buildTopupTransaction(
    wallet.publicKey,
    {
      mint: routerMint,
      decimals: 6,
      amount: "400000000",
      payToTokenAccount: treasuryAta,
      reference: params.get("reference")!,
      memo: params.get("memo")!,
    },
    TOKEN_PROGRAM_ID,
    await conn.getLatestBlockhash(),
  );
  tx.sign(wallet.keypair);
  await conn.sendRawTransaction(tx.serialize());
  await expect(dialog.getByTestId("qr-credited")).toContainText("$20.00 added", { timeout: 20_000 });
  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(page.getByTestId("balance")).toHaveText("$25.00");
  await expect(page.getByTestId("history-row").first()).toContainText("400 $ROUTER");
});

test("the billing page works at 375 px", async ({ page }) => {
  const { rpcUrl } = await config(page);
  await page.setViewportSize({ width: 375, height: 812 });
  await signIn(page, { rpcUrl });
  await page.goto("/billing");
  await expect(page.getByTestId("wallet-connected")).toBeVisible();
  await expect(page.getByTestId("history-empty")).toBeVisible();
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
  await shot(page, "billing-mobile");
});
