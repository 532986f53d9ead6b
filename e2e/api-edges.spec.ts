import { expect, test } from "@playwright/test";
import { config, fundAccount, signIn } from "./helpers";

// Through the real server: the catch-all routes and otherMethods (lib/http/fallback-routes.ts)
// must answer instead of Next's own HTML 404 page and empty 405.
test("wrong methods and unknown API paths answer the contract's JSON error", async ({ request }) => {
  const get = await request.get("/agent");
  expect(get.status()).toBe(405);
  expect(get.headers()["allow"]).toBe("POST, OPTIONS");
  expect(get.headers()["content-type"]).toContain("application/json");
  expect((await get.json()).error.code).toBe("method_not_allowed");

  const put = await request.put("/api/keys", { data: {} });
  expect(put.status()).toBe(405);
  expect(put.headers()["allow"]).toBe("GET, POST, HEAD, OPTIONS");

  for (const path of ["/api/nope", "/v1/nope"]) {
    const res = await request.get(path);
    expect(res.status(), path).toBe(404);
    expect((await res.json()).error.code, path).toBe("not_found");
  }

  const ok = await request.get("/api/models");
  expect(ok.status()).toBe(200);
  expect((await ok.json()).models.length).toBeGreaterThan(0);
});

// POST /agent and POST /v1/chat/completions skip Next's router (scripts/server.ts): they must
// still carry next.config.mjs's headers, answer in the contract's shape, and stream.
test("the metered calls, served directly, answer like every other route", async ({ request }) => {
  for (const path of ["/agent", "/agent?via=query", "/v1/chat/completions"]) {
    const res = await request.post(path, {
      data: path.startsWith("/agent")
        ? { model: "gpt-oss:20b", prompt: "hi" }
        : { model: "gpt-oss:20b", messages: [{ role: "user", content: "hi" }] },
    });
    expect(res.status(), path).toBe(402);
    expect(res.headers()["payment-required"], path).toBeTruthy();
    expect(res.headers()["x-request-id"], path).toMatch(/^\S+$/);
    expect(res.headers()["content-security-policy"], path).toContain("frame-ancestors 'none'");
    expect(res.headers()["x-content-type-options"], path).toBe("nosniff");
    expect((await res.json()).error.code, path).toBe("payment_required");
  }
});

test("a funded key streams a chat completion through the production server", async ({ page }) => {
  const wallet = await signIn(page, { rpcUrl: (await config(page)).rpcUrl });
  await fundAccount(page, wallet, 1);
  const origin = new URL(page.url()).origin;
  const created = await page.request.post("/api/keys", { data: { name: "stream" }, headers: { origin } });
  expect(created.status()).toBe(201);
  const { secret } = await created.json();
  const res = await page.request.post("/v1/chat/completions", {
    headers: { authorization: `Bearer ${secret}` },
    data: { model: "gpt-oss:20b", messages: [{ role: "user", content: "Say hello" }], stream: true, max_tokens: 16 },
  });
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toContain("text/event-stream");
  const events = (await res.text()).split("\n\n").filter((e) => e.startsWith("data: "));
  expect(events.at(-1)).toBe("data: [DONE]");
  const last = JSON.parse(events.at(-2)!.slice("data: ".length));
  expect(last.usage.cost_micro).toBeGreaterThan(0);

  const bad = await page.request.post("/v1/chat/completions", {
    headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
    data: "{",
  });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.code).toBe("invalid_request");
});

// What a link preview and a browser tab fetch: absolute URLs on this deployment (metadataBase
// from APP_URL), each answering with the right type.
test("the share card, icons and robots.txt resolve on this deployment", async ({ request, baseURL }) => {
  const html = await (await request.get("/")).text();
  const attr = (tag: RegExp, name: string) => html.match(tag)?.[0].match(new RegExp(`${name}="([^"]+)"`))?.[1];
  const card = attr(/<meta property="og:image" [^>]*>/, "content");
  expect(card).toMatch(new RegExp(`^${baseURL}/opengraph-image`));
  const touchIcon = attr(/<link rel="apple-touch-icon" [^>]*>/, "href");
  const icon = attr(/<link rel="icon" [^>]*type="image\/svg\+xml"[^>]*>/, "href");
  for (const [path, type] of [
    [new URL(card!).pathname + new URL(card!).search, "image/png"],
    [touchIcon, "image/png"],
    [icon, "image/svg+xml"],
    ["/favicon.ico", "image/"],
    ["/robots.txt", "text/plain"],
  ] as const) {
    expect(path, type).toBeTruthy();
    const res = await request.get(path!);
    expect(res.status(), path).toBe(200);
    expect(res.headers()["content-type"], path).toContain(type);
  }
});
