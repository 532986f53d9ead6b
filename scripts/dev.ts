// `npm run dev`: everything on one machine with nothing configured — the local Solana cluster,
// the stand-in model server (only when UPSTREAM_URL is unset), and `next dev` on :3000 with an
// embedded database under .data/.
import { spawn } from "node:child_process";
import { startStack } from "./stack";

const dataDir = process.env.DATA_DIR ?? ".data";
const cluster = process.env.SOLANA_CLUSTER ?? "localnet";
const stack = await startStack({
  dataDir,
  cluster,
  localnetPort: Number(process.env.LOCALNET_PORT ?? 8899),
  modelPort: 11435,
  upstreamUrl: process.env.UPSTREAM_URL,
});
if (stack.localnet) console.log(`Local Solana cluster: ${stack.localnet.info.rpcUrl}`);
if (stack.model) console.log(`Stand-in model server (not a real model): ${stack.model.url}`);

// Explicit settings win over what the local stack offers.
const env = { ...stack.env, ...process.env, DATA_DIR: dataDir };
const next = spawn("node_modules/.bin/next", ["dev", "-p", process.env.PORT ?? "3000"], { stdio: "inherit", env: env as NodeJS.ProcessEnv });

let stopping = false;
const stop = async (code = 0) => {
  if (stopping) return;
  stopping = true;
  next.kill("SIGTERM");
  await stack.stop();
  process.exit(code);
};
next.on("exit", (code) => void stop(code ?? 0));
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));
