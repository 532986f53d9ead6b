import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { overrideEnv } from "@/lib/env";
import { clusterEnv } from "@/lib/test/localnet";
import { forwarding } from "@/lib/test/runtime";
import { spawnLocalnet, type SpawnedLocalnet } from "@/localnet/spawn";

export interface LocalX402 {
  /** Holds the cluster's ledger (`localnet/`) and the app's DATA_DIR (`app/`). */
  dir: string;
  ln: SpawnedLocalnet;
  /** The app's configuration for it: the cluster, DATA_DIR under `dir`, the local facilitator. */
  env: Record<string, string>;
}

/**
 * A local cluster for the app to verify payments on itself (X402_FACILITATOR=local). The fee payer
 * secret is blanked so the facilitator makes its own under DATA_DIR, whatever the developer's
 * environment holds.
 */
export async function spawnLocalX402(tmpPrefix: string): Promise<LocalX402> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), tmpPrefix));
  let ln: SpawnedLocalnet;
  try {
    ln = await spawnLocalnet({ port: 0, dataDir: path.join(dir, "localnet"), quiet: true });
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const env = {
    APP_URL: "http://localhost:3000",
    ...clusterEnv(ln.info),
    DATA_DIR: path.join(dir, "app"),
    X402_FACILITATOR: "local",
    X402_FEE_PAYER_SECRET: "",
  };
  return { dir, ln, env };
}

/** spawnLocalX402, with the app pointed at it. */
export async function startLocalX402(tmpPrefix: string): Promise<LocalX402> {
  const stack = await spawnLocalX402(tmpPrefix);
  overrideEnv(stack.env);
  return stack;
}

/**
 * spawnLocalX402 for the whole file (its beforeAll/afterAll); the suites pass `env()` to
 * testRuntime, with their own settings laid over it.
 */
export function testLocalX402(tmpPrefix: string): { ln: SpawnedLocalnet; env: () => Record<string, string> } {
  let stack: LocalX402 | undefined;
  beforeAll(async () => {
    stack = await spawnLocalX402(tmpPrefix);
  });
  afterAll(async () => {
    await stopLocalX402(stack);
    stack = undefined;
  });
  const current = () => stack ?? fail();
  return {
    ln: forwarding(() => stack?.ln, "the local cluster runs only inside the file's suites"),
    env: () => current().env,
  };
}

function fail(): never {
  throw new Error("the local cluster runs only inside the file's suites");
}

export async function stopLocalX402(x: LocalX402 | undefined): Promise<void> {
  if (!x) return;
  await x.ln.stop();
  fs.rmSync(x.dir, { recursive: true, force: true });
}
