import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { call } from "@/lib/test/http";

// Every route file of the API answers every method: its own handlers, and otherMethods' JSON 405
// for the rest. Next would otherwise answer an empty 405 (or fall through to its HTML 404).
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] as const;

function routeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? routeFiles(full) : e.name === "route.ts" ? [full] : [];
  });
}
const files = ["app/api", "app/agent", "app/v1"].filter((d) => fs.existsSync(d)).flatMap(routeFiles);
const isCatchAll = (f: string) => f.includes("[...") || f.includes("[[...");
type Mod = Record<
  string,
  ((req: Request, route: { params: Promise<Record<string, string>> }) => Promise<Response>) | undefined
>;

describe("API route files", () => {
  it.each(files.filter((f) => !isCatchAll(f)))("%s answers every method", async (file) => {
    const mod = (await import(`@/${file.replace(/\.ts$/, "")}`)) as Mod;
    const missing = METHODS.filter((m) => !mod[m] && !(m === "HEAD" && mod.GET));
    expect(
      missing,
      `add: export const { ${missing.join(", ")} } = otherMethods([...]) from lib/http/fallback-routes`,
    ).toEqual([]);
  });
});

describe("wrong methods and unknown paths", () => {
  it("answers GET /agent with the contract's 405, an Allow header, a request id and CORS", async () => {
    const agent = (await import("@/app/agent/route")) as Mod;
    const res = await call(agent.GET!, { path: "/agent", origin: null });
    expect(res.status).toBe(405);
    expect(res.json).toEqual({
      error: { code: "method_not_allowed", message: "GET is not supported on /agent; use POST." },
    });
    expect(res.headers.get("allow")).toBe("POST, OPTIONS");
    expect(res.headers.get("x-request-id")).toBeTruthy();
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("answers wrong methods on dashboard routes with 405 listing what the route serves", async () => {
    const keys = (await import("@/app/api/keys/route")) as Mod;
    const res = await call(keys.DELETE!, { method: "DELETE", path: "/api/keys" });
    expect(res).toMatchObject({ status: 405, json: { error: { code: "method_not_allowed" } } });
    expect(res.headers.get("allow")).toBe("GET, POST, HEAD, OPTIONS");
    const key = (await import("@/app/api/keys/[id]/route")) as Mod;
    expect((await call(key.GET!, { path: "/api/keys/k1" })).headers.get("allow")).toBe("PATCH, DELETE, OPTIONS");
  });

  it.each([
    ["app/api/[[...path]]/route", "/api/nope"],
    ["app/api/[[...path]]/route", "/api"],
    ["app/v1/[[...path]]/route", "/v1/nope"],
    ["app/agent/[...path]/route", "/agent/extra"],
  ])("answers every method on an unknown path with the contract's JSON 404 (%s, %s)", async (file, urlPath) => {
    const mod = (await import(`@/${file}`)) as Mod;
    for (const method of [...METHODS, "OPTIONS"]) {
      const res = await call(mod[method]!, { method, path: urlPath, body: method === "POST" ? {} : undefined });
      expect(res.status, method).toBe(404);
      if (method !== "HEAD")
        expect(res.json, method).toEqual({
          error: { code: "not_found", message: `There is no API route at ${urlPath}.` },
        });
    }
  });
});
