import "server-only";
import { registerJob } from "@/lib/runtime";
import { listenForKeyInvalidations } from "@/lib/keys/resolve";
import { gateway } from "@/lib/gateway/runtime";
import { startReconciler } from "@/lib/billing/reconciler";
import { startX402Recovery } from "@/lib/x402/settling";
import { getDb } from "@/lib/db";
import { logger } from "@/lib/log";

const ANALYZE_EVERY_MS = 10 * 60 * 1000;

// Background work of the server process, started by lib/boot.ts. Each job is registered with the
// runtime container (lib/runtime.ts), which stops it on SIGTERM and on resetRuntime().
export async function startBackgroundJobs(): Promise<void> {
  // Revocations on other instances must reach this one's key cache at once.
  await listenForKeyInvalidations();
  // The gateway's hold sweeper and heartbeat run from the first boot, so holds left by a
  // crashed instance are released even if this instance serves no call.
  const rt = gateway();
  registerJob({ stop: () => rt.stop() });
  // Deposits nobody confirmed (closed tab, Solana Pay from a phone) are credited within seconds.
  registerJob(startReconciler());
  // x402 payments a dead instance left between recording and settling are finished or undone.
  registerJob(startX402Recovery());
  // PGlite has no autovacuum, so its planner would never get statistics (usage queries then
  // sort whole accounts); PostgreSQL analyzes by itself.
  const db = await getDb();
  if (db.kind === "pglite") {
    const analyze = () => db.query("ANALYZE").catch((err) => logger().warn({ err }, "ANALYZE failed"));
    void analyze();
    const timer = setInterval(analyze, ANALYZE_EVERY_MS);
    timer.unref();
    registerJob({ stop: () => clearInterval(timer) });
  }
}
