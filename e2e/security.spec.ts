import { expect, test } from "@playwright/test";
import { config, shot, signIn } from "./helpers";

test("security: the sign-in and a new key show in Activity, this browser in Sessions", async ({ page }) => {
  await signIn(page, { rpcUrl: (await config(page)).rpcUrl });
  const created = await page.request.post("/api/keys", {
    data: { name: "ci-server" },
    headers: { origin: new URL(page.url()).origin },
  });
  expect(created.status()).toBe(201);

  await page
    .getByRole("navigation", { name: "Dashboard" })
    .getByRole("link", { name: "Security", exact: true })
    .click();
  await expect(page.getByRole("heading", { name: "Sessions" })).toBeVisible();
  const sessions = page.getByTestId("session-row");
  await expect(sessions).toHaveCount(1);
  await expect(sessions.first()).toContainText("This browser");
  // Nobody else is signed in: nothing to sign out.
  await expect(page.getByTestId("sign-out-others")).toBeDisabled();

  const rows = page.getByTestId("activity-row");
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText("ci-server");
  await expect(rows.nth(1)).toContainText("Signed in");
  await shot(page, "security");

  await page.evaluate(() => document.documentElement.classList.add("dark"));
  await shot(page, "security-dark");
  await page.evaluate(() => document.documentElement.classList.remove("dark"));

  await page.setViewportSize({ width: 390, height: 844 });
  await expect(page.getByRole("heading", { name: "Activity" })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(
    true,
  );
  // Nor does the table scroll inside its card: address and browser move under "What".
  expect(
    await page
      .getByTestId("activity")
      .locator("..")
      .evaluate((el) => el.scrollWidth <= el.clientWidth),
  ).toBe(true);
  await expect(rows.nth(1)).toContainText("Chrome");
  await shot(page, "security-390");
});
