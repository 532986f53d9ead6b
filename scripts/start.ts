// `npm start`: the production server (scripts/server.ts). The configuration is validated here,
// before the server loads, so a bad or missing variable is the only thing an operator sees:
// every problem at once, one line each (the server validates again at boot).
import { EnvError, parseEnv } from "../lib/env";

Object.assign(process.env, { NODE_ENV: "production" });
process.env.NEXT_TELEMETRY_DISABLED ??= "1";
let port: number;
try {
  port = parseEnv(process.env).PORT;
} catch (err) {
  if (!(err instanceof EnvError)) throw err;
  console.error(err.message);
  process.exit(1);
}
// Loaded only now: Next reads NODE_ENV when it loads.
const { startServer } = await import("./server");
await startServer({ port });
console.log(`Ready on http://localhost:${port}`);
