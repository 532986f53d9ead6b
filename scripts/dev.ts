// `npm run dev`: everything on one machine with nothing configured — the local Solana cluster,
// the stand-in model server (only when UPSTREAM_URL is unset), and `next dev` on :3000 with an
// embedded database under .data/.
import { spawn } from "node:child_process";
import { EnvError, parseEnv } from "../lib/env";
import { busyPorts, claimDataDir, describeBusyPort, type PortUse } from "./dev-preflight";
import { startStack } from "./stack";
import { devBanner } from "./dev-banner";

// Bad settings are reported before anything starts, one line each, as the server would.
let config: ReturnType<typeof parseEnv>;
try {
  config = parseEnv({ ...process.env, NODE_ENV: "development" });
} catch (err) {
  if (!(err instanceof EnvError)) throw err;
  console.error(err.message);
  process.exit(1);
}
const dataDir = config.DATA_DIR;
const localnet = config.SOLANA_CLUSTER === "localnet";
const standIn = !config.UPSTREAM_URL;

const claim = claimDataDir(dataDir);
if ("otherPid" in claim) {
  console.error(
    `Another dev server is running here (pid ${claim.otherPid}); stop it or set DATA_DIR to run a second one.`,
  );
  process.exit(1);
}
const ports: PortUse[] = [{ port: config.PORT, variable: "PORT" }];
if (localnet) {
  ports.push({ port: config.LOCALNET_PORT, variable: "LOCALNET_PORT", host: "127.0.0.1" });
  ports.push({
    port: config.LOCALNET_PORT + 1,
    variable: "LOCALNET_PORT (its WebSocket uses the next port)",
    host: "127.0.0.1",
  });
}
if (standIn) ports.push({ port: config.MODEL_PORT, variable: "MODEL_PORT", host: "127.0.0.1" });
const busy = await busyPorts(ports);
if (busy.length) {
  for (const use of busy) console.error(describeBusyPort(use));
  claim.release();
  process.exit(1);
}

const stack = await startStack({
  dataDir,
  cluster: config.SOLANA_CLUSTER,
  localnetPort: config.LOCALNET_PORT,
  modelPort: config.MODEL_PORT,
  upstreamUrl: config.UPSTREAM_URL,
});
if (stack.localnet) console.log(`Local Solana cluster: ${stack.localnet.info.rpcUrl}`);
if (stack.model) console.log(`Stand-in model server (not a real model): ${stack.model.url}`);

// Explicit settings win over what the local stack offers.
const env = { ...stack.env, NEXT_TELEMETRY_DISABLED: "1", ...process.env, DATA_DIR: dataDir };
// Next's output passes through; once it is ready we say which address to open (its banner also
// lists a Network address, where sign-in would fail).
const next = spawn("node_modules/.bin/next", ["dev", "-p", String(config.PORT)], {
  stdio: ["inherit", "pipe", "inherit"],
  env: { ...(process.stdout.isTTY ? { FORCE_COLOR: "1" } : {}), ...env } as NodeJS.ProcessEnv,
});
let announced = false;
next.stdout.on("data", (chunk: Buffer) => {
  process.stdout.write(chunk);
  if (!announced && /\bReady\b/.test(chunk.toString())) {
    announced = true;
    console.log(devBanner(config.APP_URL));
  }
});

let stopping = false;
const stop = async (code = 0) => {
  if (stopping) return;
  stopping = true;
  next.kill("SIGTERM");
  await stack.stop();
  claim.release();
  process.exit(code);
};
next.on("exit", (code) => void stop(code ?? 0));
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));
