import fs from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { config, fundAccount, signIn } from "./helpers";

// axe-core over every page and dialog, light and dark, 1440 and 390 wide: zero violations of any
// impact (@axe-core/playwright). Also: no sideways scroll at 390 px, and a screenshot of each.

const OUT = `${process.env.E2E_OUTPUT ?? "test-results"}/screenshots`;
fs.mkdirSync(OUT, { recursive: true });
const WIDTHS = [
  { name: "1440", width: 1440, height: 900 },
  { name: "390", width: 390, height: 844 },
] as const;
const THEMES = ["light", "dark"] as const;
const PAGES = ["/", "/docs", "/no-such-page", "/dashboard", "/keys", "/billing", "/usage", "/security"];

async function axe(page: Page, what: string, within?: string): Promise<string[]> {
  let builder = new AxeBuilder({ page });
  if (within) builder = builder.include(within);
  const { violations } = await builder.analyze();
  return violations.map((v) => `${what}: ${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(" | ")}`);
}

async function settle(page: Page) {
  await page.waitForLoadState("networkidle").catch(() => {});
  // Skeletons and placeholders gone, so the scan sees the real content.
  await page.waitForTimeout(400);
}

const pageName = (p: string) => (p === "/" ? "landing" : p.slice(1).replace(/\//g, "-"));

// One test per theme and width, so two workers share the 32 page scans and 20 dialog scans.
for (const theme of THEMES)
  for (const w of WIDTHS)
    test(`${theme} ${w.name}: no axe violations, no sideways scroll, screenshots`, async ({ page }) => {
      await checkAll(page, theme, w);
    });

async function checkAll(page: Page, theme: (typeof THEMES)[number], w: (typeof WIDTHS)[number]) {
  test.setTimeout(600_000);
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  const wallet = await signIn(page, { rpcUrl: (await config(page)).rpcUrl });
  // Some data, so tables, charts and cards render with content.
  await fundAccount(page, wallet, 5);
  const created = await page.request.post("/api/keys", {
    headers: { origin: new URL(page.url()).origin },
    data: { name: "production-server", expiresAt: null, spendCapMicro: null },
  });
  const { secret } = await created.json();
  await page.request.post("/agent", {
    headers: { Authorization: `Bearer ${secret}` },
    data: { model: "gpt-oss:20b", prompt: "Hello" },
  });

  const found: string[] = [];
  const overflow: string[] = [];
  {
    await page.emulateMedia({ colorScheme: theme });
    {
      await page.setViewportSize({ width: w.width, height: w.height });
      for (const path of PAGES) {
        await page.goto(path);
        await settle(page);
        const tag = `${pageName(path)}-${theme}-${w.name}`;
        found.push(...(await axe(page, tag)));
        // Written as it goes, so a run cut short still says what it found.
        fs.writeFileSync(`${OUT}/axe-${theme}-${w.name}.json`, JSON.stringify({ found, overflow }, null, 1));
        if (w.width === 390) {
          const extra = await page.evaluate(
            () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
          );
          if (extra > 0) overflow.push(`${tag}: ${extra}px`);
        }
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.screenshot({ path: `${OUT}/${tag}.png`, fullPage: true });
      }
      // Dialogs: each opened, scanned, captured and closed.
      const dialogs: { name: string; url: string; open: () => Promise<unknown>; sel: string }[] = [
        {
          name: "create-key",
          url: "/keys",
          open: () => page.getByTestId("create-key").click(),
          sel: "[data-testid=create-key-dialog]",
        },
        {
          name: "edit-key",
          url: "/keys",
          open: () => page.getByTestId("edit-key").first().click(),
          sel: "[data-testid=edit-dialog]",
        },
        {
          name: "roll-key",
          url: "/keys",
          open: () => page.getByTestId("roll-key").first().click(),
          sel: "[data-testid=roll-dialog]",
        },
        {
          name: "revoke-key",
          url: "/keys",
          open: () => page.getByTestId("revoke-key").first().click(),
          sel: "[data-testid=revoke-dialog]",
        },
        {
          name: "pay-with-phone",
          url: "/billing",
          open: () => page.getByTestId("pay-with-phone").click(),
          sel: "[data-testid=qr-dialog]",
        },
      ];
      for (const d of dialogs) {
        await page.goto(d.url);
        await settle(page);
        await d.open();
        await expect(page.locator(d.sel)).toBeVisible();
        await settle(page);
        const tag = `dialog-${d.name}-${theme}-${w.name}`;
        found.push(...(await axe(page, tag, d.sel)));
        await page.screenshot({ path: `${OUT}/${tag}.png` });
        await page.keyboard.press("Escape");
      }
    }
  }
  expect(overflow, "pages wider than a 390 px screen").toEqual([]);
  expect(found, "axe violations").toEqual([]);
}
