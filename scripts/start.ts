// `npm start`: the production server. The configuration is validated here, before `next start`
// prints "Ready", so a bad or missing variable is the only thing an operator sees: every
// problem at once, one line each (the server validates again at boot, for `next start` alone).
import { spawn } from "node:child_process";
import { EnvError, parseEnv } from "../lib/env";

let port: number;
try {
  port = parseEnv({ ...process.env, NODE_ENV: "production" }).PORT;
} catch (err) {
  if (!(err instanceof EnvError)) throw err;
  console.error(err.message);
  process.exit(1);
}
const next = spawn("node_modules/.bin/next", ["start", "-p", String(port), ...process.argv.slice(2)], {
  stdio: "inherit",
  env: { NEXT_TELEMETRY_DISABLED: "1", ...process.env, NODE_ENV: "production" },
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => next.kill(signal));
next.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
