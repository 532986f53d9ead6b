import { expect, test } from "@playwright/test";
import { installTestWallet } from "./fixtures/test-wallet";

// A signed-out visitor opening a dashboard page is asked to sign in and brought back to it;
// only a path on this site is ever followed after sign-in.
async function signInFromLanding(page: import("@playwright/test").Page) {
  await page.getByTestId("connect-wallet").first().click();
  await page.getByRole("button", { name: /Test Wallet/ }).click();
}

test("a dashboard page without a session asks to sign in, then lands there", async ({ page }) => {
  await installTestWallet(page, { signIn: true, name: "Test Wallet" });
  await page.goto("/usage?status=error");
  await page.waitForURL((u) => u.pathname === "/" && u.searchParams.get("next") === "/usage?status=error");
  await expect(page.getByTestId("sign-in-to-continue")).toHaveText("Sign in to continue.");
  await signInFromLanding(page);
  await page.waitForURL((u) => u.pathname === "/usage" && u.search === "?status=error");
  // Signed in already: the landing page's next goes straight there.
  await page.goto("/?next=%2Fkeys");
  await page.waitForURL((u) => u.pathname === "/keys");
});

test("next pointing at another site is not followed", async ({ page }) => {
  await installTestWallet(page, { signIn: true, name: "Test Wallet" });
  await page.goto("/?next=%2F%2Fevil.example%2Fkeys");
  const origin = new URL(page.url()).origin;
  await signInFromLanding(page);
  await page.waitForURL("**/dashboard");
  expect(new URL(page.url()).origin).toBe(origin);
});

test("/sdk leads to Keys", async ({ page }) => {
  await page.goto("/sdk");
  await page.waitForURL((u) => u.pathname === "/" && u.searchParams.get("next") === "/keys");
});
