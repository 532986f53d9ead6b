import fs from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { config, fundAccount, shot, signIn } from "./helpers";
import { parseCsv } from "../lib/test/csv";

// The e2e server's database is private, so usage comes from real calls: two keys, a funded
// balance (faucet → USDC top-up, through the API), then POST /agent with each key.

async function createKey(page: Page, name: string): Promise<{ id: string; secret: string }> {
  const origin = new URL(page.url()).origin;
  const res = await page.request.post("/api/keys", { data: { name }, headers: { origin } });
  expect(res.status(), await res.text()).toBe(201);
  const body = await res.json();
  return { id: body.key.id, secret: body.secret };
}

async function agent(page: Page, secret: string, model: string) {
  const res = await page.request.post("/agent", {
    data: { prompt: "Say hello", model, maxTokens: 16 },
    headers: { authorization: `Bearer ${secret}` },
  });
  return res.status();
}

test("usage: cards, charts, log, key filter, CSV export, low-balance banner", async ({ page }) => {
  test.setTimeout(120_000);
  const { rpcUrl } = await config(page);
  const wallet = await signIn(page, { rpcUrl });

  // Before any call: the empty state says how to make the first one.
  await page.goto("/usage");
  await expect(page.getByRole("heading", { name: "Usage" })).toBeVisible();
  await expect(page.getByTestId("usage-empty")).toBeVisible();
  await expect(page.getByTestId("usage-empty")).toContainText("SOLROUTER_API_KEY");
  await expect(page.getByTestId("card-today")).toContainText("0 requests");
  await shot(page, "usage-empty");

  const alpha = await createKey(page, 'Alpha, "prod"');
  const beta = await createKey(page, "Beta");
  await fundAccount(page, wallet, 2);
  const statuses = { alpha: [] as number[], beta: [] as number[] };
  for (const model of ["gpt-oss:20b", "gpt-oss:120b", "gpt-oss:20b"])
    statuses.alpha.push(await agent(page, alpha.secret, model));
  for (const model of ["gpt-oss:20b", "gpt-oss:120b"]) statuses.beta.push(await agent(page, beta.secret, model));
  // The account is funded, so every call is served and recorded: exact counts from here on.
  expect(statuses).toEqual({ alpha: [200, 200, 200], beta: [200, 200] });
  const served = (s: number[]) => s.filter((x) => x === 200).length;

  // A monthly cap below what Beta already spent: its next call is refused, Alpha still works,
  // and the Keys page shows the cap as used up.
  const origin = new URL(page.url()).origin;
  const capped = await page.request.patch(`/api/keys/${beta.id}`, { data: { spendCapMicro: 1 }, headers: { origin } });
  expect(capped.status(), await capped.text()).toBe(200);
  const refused = await page.request.post("/agent", {
    data: { prompt: "Say hello", model: "gpt-oss:20b", maxTokens: 16 },
    headers: { authorization: `Bearer ${beta.secret}` },
  });
  expect(refused.status()).toBe(402);
  expect((await refused.json()).error.code).toBe("key_spend_limit");
  await page.goto("/keys");
  await expect(page.getByTestId("key-row").filter({ hasText: "Beta" }).getByTestId("key-spend")).toContainText(
    "of $0.000001",
  );

  await page.goto("/usage");
  await expect(page.getByTestId("usage-totals")).toContainText("5 requests");
  const totalRows = await page.getByTestId("usage-row").count();
  expect(totalRows).toBe(served(statuses.alpha) + served(statuses.beta));
  await expect(page.getByTestId("card-today")).toContainText(`${totalRows} request`);
  await expect(page.getByTestId("chart-spend")).toBeVisible();
  await expect(page.getByTestId("chart-requests")).toBeVisible();
  await expect(page.getByTestId("usage-row").first()).toContainText("Beta");

  // Mouse: uPlot draws on a canvas under its event layer; hovering today's bar (the right end)
  // shows its day.
  const plot = page.getByTestId("chart-spend").locator(".u-over");
  const box = (await plot.boundingBox())!;
  // 30 days share the plot width: the middle of the last band.
  await plot.hover({ position: { x: box.width * (1 - 1 / 60), y: box.height / 2 } });
  await expect(page.getByTestId("chart-spend-tooltip")).toContainText(
    new Date().toLocaleDateString("en-US", { month: "short", day: "numeric", timeZone: "UTC" }),
  );
  await page.mouse.move(0, 0);
  await expect(page.getByTestId("chart-spend-tooltip")).toHaveCount(0);

  // Keyboard: the chart takes focus and reads out the day; the table shows the same numbers.
  await page.getByTestId("chart-requests").getByRole("group").focus();
  await expect(page.getByTestId("chart-requests-tooltip")).toContainText(`Total${totalRows}`);
  await shot(page, "usage-light");
  await page.getByTestId("chart-requests").getByRole("button", { name: "View as table" }).click();
  await expect(page.getByTestId("chart-requests-total")).toHaveText(String(totalRows));
  await page.getByTestId("chart-spend").getByRole("button", { name: "View as table" }).click();
  const spendTotal = (await page.getByTestId("chart-spend-total").textContent())!;
  await expect(page.getByTestId("usage-totals")).toContainText(spendTotal);
  await shot(page, "usage-tables");
  // Back to the chart: drawn again, and it answers the keyboard as before.
  await page.getByTestId("chart-requests").getByRole("button", { name: "View as chart" }).click();
  await page.getByTestId("chart-requests").getByRole("group").focus();
  await page.keyboard.press("Home");
  await expect(page.getByTestId("chart-requests-tooltip")).toBeVisible();
  await page.keyboard.press("End");
  await expect(page.getByTestId("chart-requests-tooltip")).toContainText(`Total${totalRows}`);

  // Filter by one key: only its rows, and the URL carries the filter.
  await page.getByTestId("filter-key").selectOption(beta.id);
  await expect(page).toHaveURL(new RegExp(`keyId=${beta.id}`));
  // Wait for the filtered answer itself, not just the URL.
  await expect(page.getByTestId("usage-row").filter({ hasNotText: "Beta" })).toHaveCount(0);
  if (served(statuses.beta)) await expect(page.getByTestId("usage-row").first()).toBeVisible();
  const betaRows = page.getByTestId("usage-row");
  const betaCount = await betaRows.count();
  expect(betaCount).toBe(served(statuses.beta));
  for (let i = 0; i < betaCount; i++) await expect(betaRows.nth(i)).toContainText("Beta");

  // Export exactly what is filtered and read the file back.
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-csv").click()]);
  expect(download.suggestedFilename()).toMatch(/^solrouter-usage-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
  const rows = parseCsv(fs.readFileSync((await download.path())!, "utf8"));
  // The columns users' spreadsheets rely on, spelled out (not read from the code that writes them).
  expect(rows[0]!.join(",")).toBe(
    "id,time,key_id,key_name,model,input_tokens,output_tokens,cost_usd,cost_micro,latency_ms,status",
  );
  expect(rows.length - 1).toBe(betaCount);
  for (const r of rows.slice(1)) expect([r[2], r[3]]).toEqual([beta.id, "Beta"]);
  // The unfiltered export carries the quoted key name intact.
  const all = await page.request.get("/api/usage/export.csv");
  const allRows = parseCsv(await all.text());
  expect(allRows.length - 1).toBe(totalRows);
  expect(allRows.filter((r) => r[3] === 'Alpha, "prod"')).toHaveLength(served(statuses.alpha));

  // Low-balance banner: raise the threshold above the balance, and it links to Billing.
  await page.getByLabel("Alert below (USD)").fill("50");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("low-balance-banner")).toContainText("below your alert level of $50.00");
  await expect(page.getByTestId("low-balance-banner").getByRole("link", { name: "Top up" })).toHaveAttribute(
    "href",
    "/billing",
  );

  await page.emulateMedia({ colorScheme: "dark" });
  await page.goto("/usage");
  await expect(page.getByTestId("usage-totals")).toContainText("request");
  await shot(page, "usage-dark");
  await page.emulateMedia({ colorScheme: "light" });

  await page.setViewportSize({ width: 375, height: 812 });
  await page.goto("/usage");
  await expect(page.getByTestId("usage-totals")).toContainText("request");
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
  await shot(page, "usage-mobile");

  await page.getByLabel("Alert below (USD)").fill("0");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("low-balance-banner")).toBeHidden();
});
