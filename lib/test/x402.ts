import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { overrideEnv } from "@/lib/env";
import { clusterEnv } from "@/lib/test/localnet";
import { spawnLocalnet, type SpawnedLocalnet } from "@/localnet/spawn";

export interface LocalX402 {
  /** Holds the cluster's ledger (`localnet/`) and the app's DATA_DIR (`app/`). */
  dir: string;
  ln: SpawnedLocalnet;
}

/**
 * A local cluster with the app pointed at it and verifying payments itself (X402_FACILITATOR=local).
 * The fee payer secret is blanked so the facilitator makes its own under DATA_DIR, whatever the
 * developer's environment holds.
 */
export async function startLocalX402(tmpPrefix: string): Promise<LocalX402> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), tmpPrefix));
  let ln: SpawnedLocalnet;
  try {
    ln = await spawnLocalnet({ port: 0, dataDir: path.join(dir, "localnet"), quiet: true });
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  overrideEnv({
    APP_URL: "http://localhost:3000",
    ...clusterEnv(ln.info),
    DATA_DIR: path.join(dir, "app"),
    X402_FACILITATOR: "local",
    X402_FEE_PAYER_SECRET: "",
  });
  return { dir, ln };
}

export async function stopLocalX402(x: LocalX402 | undefined): Promise<void> {
  if (!x) return;
  await x.ln.stop();
  fs.rmSync(x.dir, { recursive: true, force: true });
}
