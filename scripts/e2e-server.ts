// The server the browser tests run against: the production server (`npm start`) on the same
// local stack as `npm run dev`, with a fresh database and chain in a temporary folder.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startStack } from "./stack";

const port = process.env.E2E_PORT ?? "3100";
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "solrouter-e2e-"));
const stack = await startStack({ dataDir, localnetPort: Number(process.env.E2E_LOCALNET_PORT ?? 8999), quiet: true });

const env: Record<string, string | undefined> = {
  ...process.env,
  ...stack.env,
  NODE_ENV: "production",
  NEXT_TELEMETRY_DISABLED: "1",
  PORT: port,
  APP_URL: `http://localhost:${port}`,
  DATA_DIR: dataDir,
  LOG_LEVEL: process.env.LOG_LEVEL ?? "info",
};
delete env.DATABASE_URL;
if (process.env.E2E_DATABASE_URL) env.DATABASE_URL = process.env.E2E_DATABASE_URL;

// Server output goes to a file the tests read (e.g. to prove secrets never reach the log).
// Kept next to the Playwright output so tests can read it.
const outDir = process.env.E2E_OUTPUT ?? "test-results";
fs.mkdirSync(outDir, { recursive: true });
const log = fs.openSync(path.join(outDir, "server.log"), "a");
const server = spawn("node_modules/.bin/tsx", ["scripts/start.ts"], {
  stdio: ["ignore", log, log],
  env: env as NodeJS.ProcessEnv,
});

const stop = async () => {
  server.kill("SIGTERM");
  await stack.stop();
  process.exit(0);
};
server.on("exit", async (code) => {
  await stack.stop();
  process.exit(code ?? 1);
});
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
