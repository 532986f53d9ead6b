import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildTable, renderTable, TABLE_FILE } from "@/scripts/route-table";
import { apiEdgeResponse } from "./api-edges";

async function edge(method: string, path: string) {
  const res = apiEdgeResponse(method, path);
  return res && { status: res.status, allow: res.headers.get("allow"), requestId: res.headers.get("x-request-id"), body: await res.json() };
}

describe("API edges (proxy.ts)", () => {
  it("answers a GET on /agent with the contract's 405 and an Allow header", async () => {
    const res = await edge("GET", "/agent");
    expect(res).toMatchObject({ status: 405, allow: "POST, OPTIONS", body: { error: { code: "method_not_allowed" } } });
    expect(res!.body.error.message).toMatch(/GET .*POST/);
    expect(res!.requestId).toBeTruthy();
  });

  it("answers wrong methods on dashboard routes with 405 listing what the route file exports", async () => {
    expect(await edge("DELETE", "/api/keys")).toMatchObject({ status: 405, allow: "GET, POST, HEAD, OPTIONS", body: { error: { code: "method_not_allowed" } } });
    expect(await edge("GET", "/api/keys/abc123")).toMatchObject({ status: 405, allow: "PATCH, DELETE, OPTIONS" });
    expect(await edge("PUT", "/api/health")).toMatchObject({ status: 405, allow: "GET, HEAD, OPTIONS" });
  });

  it("answers unknown /api, /v1 and /agent paths with the contract's JSON 404", async () => {
    for (const path of ["/api/nope", "/api", "/api/keys/a/b", "/v1/nope", "/v1", "/agent/extra"]) {
      expect(await edge("GET", path), path).toMatchObject({ status: 404, body: { error: { code: "not_found" } } });
    }
  });

  it("lets every method a route exports through, and HEAD/OPTIONS", async () => {
    expect(await edge("POST", "/agent")).toBeNull();
    expect(await edge("OPTIONS", "/agent")).toBeNull();
    expect(await edge("PATCH", "/api/keys/k_1")).toBeNull();
    expect(await edge("POST", "/api/keys/k_1/roll")).toBeNull();
    expect(await edge("GET", "/api/usage/export.csv")).toBeNull();
    expect(await edge("HEAD", "/api/health")).toBeNull();
    expect(await edge("GET", "/api/health/")).toBeNull();
  });

  it("leaves pages alone", async () => {
    expect(await edge("GET", "/keys")).toBeNull();
    expect(await edge("POST", "/agents")).toBeNull();
    expect(await edge("GET", "/apidocs")).toBeNull();
  });

  it("reads a route table that matches the route files (run `npm run routes` after adding one)", () => {
    expect(readFileSync(TABLE_FILE, "utf8")).toBe(renderTable(buildTable()));
  });
});
