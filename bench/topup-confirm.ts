// Top-up crediting against a real local cluster and in-memory PGlite:
// - confirm latency: POST /api/topups/{id}/confirm for a deposit the chain has already confirmed,
//   until the answer says credited (RPC getTransaction + verification + one DB transaction);
// - reconciler lag: a paid intent nobody confirms, from the chain confirming it to the row being
//   credited by the background reconciler (default 2 s interval).
// Standalone: npx tsx --conditions=react-server bench/topup-confirm.ts
import { pathToFileURL } from "node:url";
import { TOKEN_PROGRAM_ID } from "@solana/spl-token";
import { overrideEnv } from "@/lib/env";
import { openDb } from "@/lib/db/client";
import { setDb } from "@/lib/db";
import { call } from "@/lib/test/http";
import { signedInAccount } from "@/lib/test/session";
import { startTestLocalnet, stopTestLocalnet, type TestLocalnet } from "@/lib/test/localnet";
import { buildTopupTransaction } from "@solrouter/sdk/topup";
import { startReconciler } from "@/lib/billing/reconciler";
import type { TopupView } from "@/lib/billing/topups";
import { POST as create } from "@/app/api/topups/route";
import { POST as confirm } from "@/app/api/topups/[id]/confirm/route";
import { percentile } from "./lib/load";

const round = (ms: number) => +ms.toFixed(2);

export async function benchTopupConfirm(
  opts = { deposits: 50, unconfirmed: 10 },
): Promise<Record<string, number | string>> {
  let net: TestLocalnet | undefined;
  const db = await openDb({});
  try {
    net = await startTestLocalnet();
    overrideEnv({ APP_URL: "http://localhost:3000", LOG_LEVEL: "silent", ...net.env });
    setDb(db);
    const payer = await net.fundedWallet({ usdc: 100_000_000_000n });
    // One account per deposit, like separate users (the routes rate-limit per account).
    const newIntent = async (): Promise<{ t: TopupView; cookie: string }> => {
      const { cookie } = await signedInAccount();
      const res = await call(create, { body: { token: "USDC", creditMicro: 1_000_000 }, cookie });
      if (res.status !== 201) throw new Error(`intent failed: ${res.text}`);
      return { t: res.json.topup, cookie };
    };
    const pay = async (t: TopupView) => {
      const tx = buildTopupTransaction(
        payer.publicKey,
        { ...t, payToTokenAccount: t.payToTokenAccount! },
        TOKEN_PROGRAM_ID,
        await net!.conn.getLatestBlockhash(),
      );
      return net!.send(payer, tx.instructions); // resolves once the chain reports it confirmed
    };

    // Confirm latency, after a few warm-up rounds (route modules, RPC connection, caches).
    const confirmMs: number[] = [];
    for (let i = 0; i < opts.deposits + 5; i++) {
      const { t, cookie } = await newIntent();
      const sig = await pay(t);
      const t0 = performance.now();
      const res = await call(confirm, { body: { signature: sig }, cookie, params: { id: t.id } });
      const elapsed = performance.now() - t0;
      if (res.status !== 200) throw new Error(`confirm answered ${res.status}: ${res.text}`);
      if (i >= 5) confirmMs.push(elapsed);
    }
    confirmMs.sort((a, b) => a - b);

    // Reconciler lag, with its production interval; payments land at random points of its cycle.
    const reconciler = startReconciler();
    const lagMs: number[] = [];
    try {
      for (let i = 0; i < opts.unconfirmed; i++) {
        const { t } = await newIntent();
        await new Promise((r) => setTimeout(r, Math.random() * 2000));
        await pay(t);
        const t0 = performance.now();
        for (;;) {
          const [row] = await db.query<{ status: string }>("SELECT status FROM topups WHERE id = $1", [t.id]);
          if (row?.status === "credited") break;
          if (performance.now() - t0 > 30_000) throw new Error("the reconciler did not credit within 30 s");
          await new Promise((r) => setTimeout(r, 10));
        }
        lagMs.push(performance.now() - t0);
      }
    } finally {
      await reconciler.stop();
    }
    lagMs.sort((a, b) => a - b);

    return {
      topupConfirmP50Ms: round(percentile(confirmMs, 50)),
      topupConfirmP99Ms: round(percentile(confirmMs, 99)),
      topupConfirmSamples: confirmMs.length,
      topupReconcilerLagP50Ms: round(percentile(lagMs, 50)),
      topupReconcilerLagMaxMs: round(lagMs[lagMs.length - 1] ?? NaN),
      topupReconcilerSamples: lagMs.length,
    };
  } finally {
    setDb(undefined);
    await db.close();
    await stopTestLocalnet(net);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await benchTopupConfirm();
  for (const [k, v] of Object.entries(result)) console.log(`${k.padEnd(26)} ${v}`);
  process.exit(0);
}
