import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

describe("npm test", () => {
  it("says in one line that Chromium is missing, before linting, testing or building anything", () => {
    const started = Date.now();
    const run = spawnSync("node_modules/.bin/tsx", ["scripts/test.ts"], {
      encoding: "utf8",
      env: { ...process.env, CHROMIUM_PATH: "/nonexistent/chromium" },
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr.trim()).toBe(
      "Chromium not found at /nonexistent/chromium: apt-get install chromium (or set CHROMIUM_PATH; `npm test -- unit` runs the rest).",
    );
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
