import fs from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { config, fundAccount, shot, signIn } from "./helpers";

const callAgent = (page: Page, secret: string) =>
  page.request.post("/agent", {
    headers: { Authorization: `Bearer ${secret}` },
    data: { model: "gpt-oss:20b", prompt: "Hello" },
  });

/** Reads the one-time secret, proves the dialog cannot be dismissed early, then confirms and closes it. */
async function takeSecret(page: Page, screenshot?: string): Promise<string> {
  const dialog = page.getByTestId("secret-dialog");
  await expect(dialog).toBeVisible();
  const secret = (await page.getByTestId("key-secret").textContent())!.trim();
  expect(secret).toMatch(/^sk_solrouter_[0-9A-Za-z]{38}$/);
  await expect(page.getByTestId("snippet-curl")).toContainText(`export SOLROUTER_API_KEY=${secret}`);
  if (screenshot) await shot(page, screenshot);

  await expect(page.getByTestId("secret-done")).toBeDisabled();
  await page.keyboard.press("Escape");
  await page.keyboard.press("Escape");
  await page.mouse.click(5, 5); // the backdrop
  await expect(dialog).toBeVisible();

  await page.getByTestId("copied-confirm").check();
  await page.getByTestId("secret-done").click();
  await expect(dialog).toBeHidden();
  // Shown exactly once: once closed, the page no longer holds it.
  expect(await page.content()).not.toContain(secret);
  return secret;
}

test("create a key, call the API with it, revoke it", async ({ page }) => {
  const wallet = await signIn(page, { rpcUrl: (await config(page)).rpcUrl });
  await page.getByRole("navigation", { name: "Dashboard" }).getByRole("link", { name: "Keys", exact: true }).click();
  await expect(page.getByTestId("keys-empty")).toBeVisible();
  await shot(page, "keys-empty");

  // Keyboard only: open the dialog, type a name, submit.
  await page.getByTestId("create-key").focus();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("key-name")).toBeFocused();
  await page.keyboard.type("e2e server");
  await page.getByTestId("key-expiry").selectOption("custom");
  await shot(page, "keys-create-dialog");
  await page.getByTestId("key-expiry").selectOption("never");
  await page.getByTestId("key-cap").fill("abc");
  await page.keyboard.press("Enter");
  await expect(page.getByText("Enter an amount in dollars")).toBeVisible();
  await page.getByTestId("key-cap").fill("10");
  await page.keyboard.press("Enter");

  const secret = await takeSecret(page, "keys-secret-dialog");
  const row = page.getByTestId("key-row").filter({ hasText: "e2e server" });
  await expect(row).toHaveAttribute("data-status", "active");
  await expect(row.getByTestId("key-start")).toHaveText(`${secret.slice(0, 17)}…`);
  await expect(row).toContainText("Never");
  await expect(row.getByTestId("key-spend")).toContainText("$0.00 of $10.00");

  const unfunded = await callAgent(page, secret);
  expect(unfunded.status()).toBe(402);
  expect((await unfunded.json()).error.code).toBe("insufficient_balance");

  // Fund the account with a real top-up, then the key works and is billed.
  await fundAccount(page, wallet, 1);
  const served = await callAgent(page, secret);
  expect(served.status()).toBe(200);
  const answer = await served.json();
  expect(answer.costMicro).toBeGreaterThan(0);
  expect((await (await page.request.get("/api/me")).json()).balanceMicro).toBe(1_000_000 - answer.costMicro);
  await page.reload();
  await expect(row.getByTestId("key-spend")).not.toContainText("$0.00 of");
  await expect(row.getByTestId("key-last-used")).not.toHaveText("Never");

  await row.getByTestId("revoke-key").click();
  const confirm = page.getByTestId("revoke-dialog");
  await expect(confirm).toContainText("Apps using this key stop working immediately");
  await shot(page, "keys-revoke-confirm");
  await page.getByTestId("revoke-confirm").click();
  await expect(confirm).toBeHidden();
  await expect(row).toHaveAttribute("data-status", "revoked");
  await expect(row.getByTestId("revoke-key")).toHaveCount(0);

  const refused = await callAgent(page, secret);
  expect(refused.status()).toBe(401);
  expect((await refused.json()).error.code).toBe("revoked_api_key");
  await page.reload();
  await expect(page.getByTestId("key-row").filter({ hasText: "e2e server" })).toHaveAttribute("data-status", "revoked");

  // The server logged these requests, but never the secret (nor the session cookie).
  const log = fs.readFileSync(`${process.env.E2E_OUTPUT ?? "test-results"}/server.log`, "utf8");
  expect(log).toContain('"path":"/agent"');
  expect(log).not.toContain(secret);
  expect(log).not.toContain(secret.slice(13));
  const session = (await page.context().cookies()).find((c) => c.name === "sr_session");
  if (session) expect(log).not.toContain(session.value);
});

test("roll a key with a grace period, edit its cap, and use the page at 375 px", async ({ page }) => {
  await signIn(page);
  await page.goto("/keys");
  await page.getByTestId("create-first-key").click();
  await page.getByTestId("key-name").fill("billing worker");
  await page.getByTestId("key-expiry").selectOption("90");
  await page.getByTestId("create-key-submit").click();
  const oldSecret = await takeSecret(page);

  await page.getByTestId("create-key").click();
  await page.getByTestId("key-name").fill("staging");
  await page.getByTestId("create-key-submit").click();
  await takeSecret(page);

  const worker = page.getByTestId("key-row").filter({ hasText: "billing worker" });
  await worker.getByTestId("roll-key").click();
  await page.getByTestId("roll-grace-3600").check();
  await page.getByTestId("roll-confirm").click();
  await expect(page.getByTestId("replaced-note")).toContainText("keeps working until");
  const newSecret = await takeSecret(page, "keys-roll-secret");
  expect(newSecret).not.toBe(oldSecret);

  await expect(page.getByTestId("key-row")).toHaveCount(3);
  const rolled = page.getByTestId("key-row").filter({ hasText: "rolled" });
  await expect(rolled).toHaveAttribute("data-status", "active");
  await expect(rolled.getByTestId("roll-key")).toHaveCount(0);
  await expect(page.getByTestId("keys-count")).toHaveText("3 of 25 active keys");

  const staging = page.getByTestId("key-row").filter({ hasText: "staging" });
  await staging.getByTestId("edit-key").click();
  await page.getByTestId("edit-cap").fill("12.5");
  await page.getByTestId("edit-save").click();
  await expect(staging.getByTestId("key-spend")).toContainText("of $12.50");
  await shot(page, "keys-list");
  await page.evaluate(() => document.documentElement.classList.add("dark"));
  await shot(page, "keys-list-dark");
  await worker.first().getByTestId("revoke-key").click();
  await shot(page, "keys-revoke-dark");
  await page.getByRole("button", { name: "Cancel" }).click();
  await page.evaluate(() => document.documentElement.classList.remove("dark"));

  await page.setViewportSize({ width: 375, height: 812 });
  await expect(staging.getByTestId("revoke-key")).toBeVisible();
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
  await shot(page, "keys-mobile");
  await staging.getByTestId("roll-key").click();
  await expect(page.getByTestId("roll-dialog")).toBeVisible();
  await shot(page, "keys-mobile-roll");
});

test("create a management key with a weekly cap and an allowlist, then change its period", async ({ page }) => {
  await signIn(page);
  await page.goto("/keys");
  await page.getByTestId("create-first-key").click();
  await page.getByTestId("key-name").fill("ops agent");
  await page.getByTestId("key-cap").fill("5");
  await page.getByTestId("key-cap-period").selectOption("week");
  // The advanced section opens from the keyboard like any disclosure.
  await page.getByTestId("key-advanced").locator("summary").focus();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("key-manage")).not.toBeChecked();
  await page
    .getByTestId("key-models-field")
    .getByRole("checkbox", { name: /gpt-oss:20b/ })
    .check();
  await page.getByTestId("key-manage").check();
  await shot(page, "keys-create-advanced");
  await page.getByTestId("create-key-submit").click();
  await takeSecret(page);

  const row = page.getByTestId("key-row").filter({ hasText: "ops agent" });
  await expect(row.getByTestId("key-management")).toHaveText("Management");
  await expect(row.getByTestId("key-models")).toHaveText("Only gpt-oss:20b");
  await expect(row.getByTestId("key-spend")).toContainText("$0.00 of $5.00 per week");
  const listed = await (await page.request.get("/api/keys")).json();
  expect(listed.keys[0]).toMatchObject({
    canManageKeys: true,
    canCallModels: false,
    models: ["gpt-oss:20b"],
    spendCap: { micro: 5_000_000, period: "week" },
  });

  await row.getByTestId("edit-key").click();
  await page.getByTestId("edit-cap-period").selectOption("day");
  await shot(page, "keys-edit-period");
  await page.getByTestId("edit-save").click();
  await expect(row.getByTestId("key-spend")).toContainText("$0.00 of $5.00 per day");
});

test("docs explain the three ways to authenticate, errors and prices", async ({ page }) => {
  await page.goto("/docs");
  await expect(page.getByRole("heading", { name: "The Solrouter API" })).toBeVisible();
  // Every entry of "On this page" leads to its section: no dead links.
  const toc = page.getByRole("navigation", { name: "On this page", exact: true });
  const targets = await toc.locator("a").evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? ""));
  const sections = ["quick-start", "api-keys", "x402", "internal-jwt", "key-safety", "errors", "rate-limits", "models"];
  expect(targets).toEqual(expect.arrayContaining(sections.map((id) => `#${id}`)));
  for (const href of targets) await expect(page.locator(href), href).toBeVisible();
  const errors = page.getByTestId("errors-table");
  for (const [status, code] of [
    ["401", "revoked_api_key"],
    ["402", "key_spend_limit"],
    ["429", "rate_limited"],
    ["503", "unavailable"],
  ]) {
    await expect(errors.getByRole("row").filter({ hasText: code })).toContainText(status!);
  }
  await expect(page.getByTestId("models-table")).toContainText("gpt-oss:20b");
  await expect(page.getByText("PAYMENT-REQUIRED").first()).toBeVisible();
  await shot(page, "docs");
  const out = `${process.env.E2E_OUTPUT ?? "test-results"}/screenshots`;
  // The full page is too tall to review at once: save it in viewport-sized slices too.
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  for (let y = 0, i = 1; y < height; y += 1000, i++) {
    await page.screenshot({
      path: `${out}/docs-part-${i}.png`,
      fullPage: true,
      clip: { x: 0, y, width: 1280, height: Math.min(1000, height - y) },
    });
  }
  await page.evaluate(() => document.documentElement.classList.add("dark"));
  await page.locator("#errors").scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${out}/docs-dark-errors.png` });
  await page.evaluate(() => document.documentElement.classList.remove("dark"));
  await page.setViewportSize({ width: 375, height: 812 });
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${out}/docs-mobile-top.png` });
  await page.locator("#models").scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${out}/docs-mobile-models.png` });
});
