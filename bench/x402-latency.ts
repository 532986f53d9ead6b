// Added server latency of a paid x402 call over a key-authenticated call (p50), with the
// facilitator in process and the local cluster; the payer's client work is not counted.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { overrideEnv } from "@/lib/env";
import { openDb } from "@/lib/db/client";
import { setDb } from "@/lib/db";
import { call } from "@/lib/test/http";
import { postLedgerEntry, ensureAccount } from "@/lib/billing/ledger";
import { generateApiKey } from "@/lib/keys/format";
import { resetGateway } from "@/lib/gateway/runtime";
import { startMockModel } from "@/lib/test/mock-model";
import { spawnLocalnet } from "@/localnet/spawn";
import { createTestPayer } from "@/lib/test/x402-payer";
import { POST as agent } from "@/app/agent/route";
import { percentile } from "./lib/load";

export async function benchX402Latency(n = 40) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-x402-"));
  const ln = await spawnLocalnet({ port: 0, dataDir: path.join(dir, "localnet"), quiet: true });
  const upstream = await startMockModel();
  overrideEnv({
    APP_URL: "http://localhost:3000",
    UPSTREAM_URL: upstream.url,
    SOLANA_RPC_URL: ln.info.rpcUrl,
    USDC_MINT: ln.info.usdcMint,
    TREASURY_ADDRESS: ln.info.treasury,
    DATA_DIR: path.join(dir, "app"),
    LOG_LEVEL: "silent",
    KEY_RATE_LIMIT_PER_MINUTE: "1000000",
  });
  const db = await openDb({});
  setDb(db);
  await resetGateway();
  try {
    const accountId = await ensureAccount(db, "BenchX402111111111111111111111111111111111");
    const key = generateApiKey();
    await db.query("INSERT INTO api_keys (account_id, name, key_hash, start) VALUES ($1, 'bench', $2, $3)", [
      accountId,
      key.hash,
      key.start,
    ]);
    await postLedgerEntry({ accountId, amountMicro: 100_000_000n, kind: "adjustment", reference: "bench-x402" });
    const body = { prompt: "latency probe", model: "gpt-oss:20b", maxTokens: 16 };
    const post = (headers: Record<string, string>) =>
      call(agent, { method: "POST", path: "/agent", body, origin: null, headers });
    const payer = await createTestPayer({ rpcUrl: ln.info.rpcUrl, mints: [ln.info.usdcMint], tokens: 10_000_000n });
    const challenge = (await post({})).headers.get("payment-required")!;
    const keyTimes: number[] = [];
    const paidTimes: number[] = [];
    for (let i = 0; i < n + 5; i++) {
      const header = await payer.pay(challenge);
      let t0 = performance.now();
      const k = await post({ authorization: `Bearer ${key.secret}` });
      const tk = performance.now() - t0;
      t0 = performance.now();
      const p = await post({ "payment-signature": header });
      const tp = performance.now() - t0;
      if (k.status !== 200 || p.status !== 200) throw new Error(`bench call failed: ${k.status} ${p.status} ${p.text}`);
      if (i >= 5) {
        keyTimes.push(tk);
        paidTimes.push(tp);
      }
    }
    keyTimes.sort((a, b) => a - b);
    paidTimes.sort((a, b) => a - b);
    const k50 = percentile(keyTimes, 50);
    const p50 = percentile(paidTimes, 50);
    return {
      "x402.keyCallP50Ms": +k50.toFixed(1),
      "x402.paidCallP50Ms": +p50.toFixed(1),
      "x402.addedLatencyP50Ms": +(p50 - k50).toFixed(1),
    };
  } finally {
    await resetGateway();
    setDb(undefined);
    await db.close();
    await upstream.close();
    await ln.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await benchX402Latency());
