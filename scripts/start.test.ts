import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

describe("npm start", () => {
  it("lists every configuration problem, a missing APP_URL included, before Next starts", () => {
    const { APP_URL: _, ...rest } = process.env;
    const run = spawnSync("node_modules/.bin/tsx", ["scripts/start.ts"], {
      encoding: "utf8",
      env: { ...rest, PORT: "abc", ROUTER_PRICE_USD: "free" },
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stdout).not.toMatch(/Ready|Next\.js/);
    expect(run.stderr.trim().split("\n")).toEqual([
      "Invalid configuration:",
      "  - PORT: must be a port number",
      "  - ROUTER_PRICE_USD: must be a number",
      "  - APP_URL: is required in production (the sign-in domain comes from it)",
    ]);
  });
});
