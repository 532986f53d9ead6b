// `npm test`: unit and integration tests (Vitest; PGlite, plus PostgreSQL when TEST_DATABASE_URL
// is set), the short chaos run (scripts/chaos: instances paused and killed, PostgreSQL restarted,
// deposits flooded and buried; counted as one test), then the production build, then the browser
// tests (Playwright in Debian's Chromium).
// Ends with one plain summary line: "N passed, N failed".
import { spawnSync } from "node:child_process";
import fs from "node:fs";

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): number {
  console.log(`\n$ ${cmd} ${args.join(" ")}`);
  const r = spawnSync(cmd, args, { stdio: "inherit", env });
  return r.status ?? 1;
}

function readJson(file: string): any {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

const only = process.argv[2];
// The browser tests need Debian's Chromium (Playwright cannot download browsers here): say so
// before a build and a server start are spent on it.
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (only !== "unit" && !fs.existsSync(chromium)) {
  console.error(
    `Chromium not found at ${chromium}: apt-get install chromium (or set CHROMIUM_PATH; \`npm test -- unit\` runs the rest).`,
  );
  process.exit(1);
}

fs.rmSync("test-results", { recursive: true, force: true });
fs.mkdirSync("test-results", { recursive: true });
let passed = 0;
let failed = 0;
let broken = false;

if (only !== "e2e" && run("node_modules/.bin/eslint", ["."]) !== 0) {
  console.error("eslint found errors");
  broken = true;
}
if (only !== "e2e" && run("node_modules/.bin/prettier", ["--check", ".", "--log-level", "warn"]) !== 0) {
  console.error("prettier: the files above are not formatted (npm run format fixes them)");
  broken = true;
}

if (only !== "e2e") {
  const code = run("node_modules/.bin/vitest", [
    "run",
    "--reporter=default",
    "--reporter=json",
    "--outputFile.json=test-results/vitest-report.json",
  ]);
  const report = readJson("test-results/vitest-report.json");
  passed += report?.numPassedTests ?? 0;
  failed += report?.numFailedTests ?? 0;
  if (code !== 0 && !report?.numFailedTests) broken = true;
}

// Needs root or the postgres user for its private PostgreSQL cluster (port 4790); about 2 minutes.
if (only !== "e2e" && process.env.SKIP_CHAOS !== "1") {
  if (run("node_modules/.bin/tsx", ["--conditions=react-server", "scripts/chaos/run.ts", "--short"]) === 0) passed++;
  else failed++;
}

if (only !== "unit") {
  if (run("node_modules/.bin/next", ["build"], { ...process.env, NEXT_TELEMETRY_DISABLED: "1" }) !== 0) {
    console.error("next build failed");
    broken = true;
  } else {
    const code = run("node_modules/.bin/playwright", ["test"], { ...process.env, CI: process.env.CI ?? "1" });
    const report = readJson("test-results/e2e-report.json");
    const stats = report?.stats;
    passed += (stats?.expected ?? 0) + (stats?.flaky ?? 0);
    failed += stats?.unexpected ?? 0;
    if (code !== 0 && !stats?.unexpected) broken = true;
  }
}

// Each database suite also runs on PostgreSQL only when TEST_DATABASE_URL is set.
const skipped =
  only !== "e2e" && !process.env.TEST_DATABASE_URL ? " (PostgreSQL suites skipped: TEST_DATABASE_URL is not set)" : "";
console.log(`\n${passed} passed, ${failed} failed${skipped}`);
process.exit(failed > 0 || broken ? 1 : 0);
