import "server-only";
import { registerJob } from "@/lib/boot";
import { listenForKeyInvalidations } from "@/lib/keys/resolve";
import { gateway } from "@/lib/gateway/runtime";
import { startReconciler } from "@/lib/billing/reconciler";

// Background work of the server process. Each job stops cleanly on SIGTERM (see lib/boot.ts).
export async function startBackgroundJobs(): Promise<void> {
  // Revocations on other instances must reach this one's key cache at once.
  await listenForKeyInvalidations();
  // The gateway's hold sweeper and heartbeat run from the first boot, so holds left by a
  // crashed instance are released even if this instance serves no call.
  const rt = gateway();
  registerJob({ stop: () => rt.stop() });
  // Deposits nobody confirmed (closed tab, Solana Pay from a phone) are credited within seconds.
  registerJob(startReconciler());
}
