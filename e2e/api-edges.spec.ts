import { expect, test } from "@playwright/test";

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
