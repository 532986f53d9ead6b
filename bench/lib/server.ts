// Starts the production server (`npm start`: scripts/start.ts) on a seeded database with the stand-in model, for
// benchmarks. The database is seeded before the server opens it (PGlite allows one process).
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { openDb } from "@/lib/db/client";
import { createScratchDatabase } from "@/lib/test/db";
import { applyLedgerEntry, ensureAccount } from "@/lib/billing/ledger";
import { generateApiKey } from "@/lib/keys/format";
import { createInterface } from "node:readline";

export interface BenchServer {
  url: string;
  apiKey: string;
  /** The stand-in model server the app forwards to (peers in the bench forward to it too). */
  modelUrl: string;
  stop(): Promise<void>;
}

async function seed(opts: { url?: string; dataDir?: string }) {
  const db = await openDb(opts);
  const accountId = await ensureAccount(db, "BenchWa11et1111111111111111111111111111111");
  const key = generateApiKey();
  await db.query("INSERT INTO api_keys (account_id, name, key_hash, start) VALUES ($1, 'bench', $2, $3)", [
    accountId,
    key.hash,
    key.start,
  ]);
  await db.transaction((tx) =>
    applyLedgerEntry(tx, {
      accountId,
      amountMicro: 1_000_000_000_000n,
      kind: "adjustment",
      reference: `bench:${randomBytes(6).toString("hex")}`,
    }),
  );
  await db.close();
  return key.secret;
}

export async function startBenchServer(
  kind: "pglite" | "postgres",
  port: number,
  nodeArgs: string[] = [],
  modelPort = 0,
): Promise<BenchServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "solrouter-bench-"));
  const adminUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
  const scratch = kind === "postgres" ? await createScratchDatabase(adminUrl, "bench") : undefined;
  const databaseUrl = scratch?.url;
  const apiKey = await seed(databaseUrl ? { url: databaseUrl } : { dataDir });
  // The stand-in model runs in its own process, as a real model server would, so it does not
  // share the load generator's event loop.
  const modelProc = spawn("node_modules/.bin/tsx", ["scripts/mock-model.ts", String(modelPort)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const modelUrl = await new Promise<string>((resolve, reject) => {
    createInterface({ input: modelProc.stdout! }).once("line", (l) =>
      resolve((JSON.parse(l) as { upstreamUrl: string }).upstreamUrl),
    );
    modelProc.once("exit", () => reject(new Error("stand-in model exited")));
  });
  const env: Record<string, string | undefined> = {
    ...process.env,
    NODE_ENV: "production",
    PORT: String(port),
    APP_URL: `http://localhost:${port}`,
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    UPSTREAM_URL: modelUrl,
    KEY_RATE_LIMIT_PER_MINUTE: "100000000",
    KEY_RATE_LIMIT_BURST: "1000000",
    LOG_LEVEL: "warn",
  };
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, "--import", "tsx", "scripts/start.ts"], {
    env: env as NodeJS.ProcessEnv,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const url = `http://localhost:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch {}
    if (i > 300) throw new Error("bench server did not start");
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    apiKey,
    modelUrl,
    async stop() {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
      modelProc.kill("SIGTERM");
      await scratch?.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
