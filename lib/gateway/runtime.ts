import "server-only";
import os from "node:os";
import { randomBytes } from "node:crypto";
import { env } from "@/lib/env";
import { logger } from "@/lib/log";
import { ensurePart, peekPart, setPart } from "@/lib/runtime";
import { TokenBuckets } from "@/lib/limits/token-buckets";
import { HoldPool, newHoldCounters, type HoldCounters } from "./holds";
import { accountHoldStore, keyCapHoldStore, sweepStaleHolds } from "./hold-stores";
import { SettleBatcher } from "./settle-batch";
import { UsageIds } from "./usage-ids";

const IDLE_RELEASE_MS = 3_000;
/**
 * The sweeper frees a hold whose row was not heartbeated for HOLD_STALE_MS (database clock;
 * default 60 s, heartbeats every HOLD_HEARTBEAT_MS, default 10 s). An instance serves from a hold
 * only until this share of the stale window after the last heartbeat it sent that succeeded (its
 * own monotonic clock), then re-validates first; the rest (15 s by default) is the margin for
 * clock-rate drift against the database and scheduling delays.
 */
const LEASE_SHARE = 0.75;
/** At shutdown, how long calls still running get to finish (and settle) before the holds go back. */
const STOP_GRACE_MS = 8_000;

export interface GatewayRuntime {
  instanceId: string;
  balances: HoldPool;
  caps: HoldPool;
  batcher: SettleBatcher;
  /** Completion ids (usage event ids), known before a call's first byte. */
  usageIds: UsageIds;
  keyLimiter: TokenBuckets;
  productLimiter: TokenBuckets;
  lastTouched: Map<string, number>;
  /** Hold failures seen so far (heartbeats, releases, lost leases, sweeps): logged and counted here. */
  counters: HoldCounters;
  /** Calls between runCall's start and its end (stop() lets them finish first). */
  calls: { running: number };
  /** What the timers run; callable directly (tests drive a runtime without timers). */
  heartbeat(): Promise<void>;
  releaseIdle(idleMs?: number): Promise<void>;
  sweep(): Promise<number>;
  stop(): Promise<void>;
}

export interface GatewayOptions {
  instanceId?: string;
  /** Monotonic milliseconds; tests advance it to play a paused instance. */
  clock?: () => number;
  /** false: no timers (tests call heartbeat/releaseIdle/sweep themselves). */
  timers?: boolean;
  /** How long stop() waits for running calls (default 8 s). */
  stopGraceMs?: number;
}

// Balance chunks: enough for many calls per write, but small enough that another instance
// (or a cap) is rarely starved by an idle hold.
const balanceChunk = (need: bigint) => (need * 50n > 500_000n ? need * 50n : 500_000n);
const capChunk = (need: bigint) => need * 4n;

export function createGateway(opts: GatewayOptions = {}): GatewayRuntime {
  const instanceId = opts.instanceId ?? `${os.hostname()}-${process.pid}-${randomBytes(4).toString("hex")}`;
  const clock = opts.clock ?? (() => performance.now());
  const e = env();
  const log = logger();
  const { HOLD_HEARTBEAT_MS: HEARTBEAT_MS, HOLD_STALE_MS: STALE_MS } = e;
  const counters = newHoldCounters();
  const pool = {
    clock,
    leaseMs: STALE_MS * LEASE_SHARE,
    counters,
    warn: (o: Record<string, unknown>, msg: string) => log.warn({ instanceId, ...o }, msg),
  };
  const balances = new HoldPool(accountHoldStore(instanceId), balanceChunk, pool);
  const caps = new HoldPool(keyCapHoldStore(instanceId), capChunk, pool);
  const runtime: GatewayRuntime = {
    instanceId,
    balances,
    caps,
    batcher: new SettleBatcher(instanceId),
    usageIds: new UsageIds(),
    keyLimiter: new TokenBuckets(e.KEY_RATE_LIMIT_PER_MINUTE / 60, e.KEY_RATE_LIMIT_BURST),
    productLimiter: new TokenBuckets((e.KEY_RATE_LIMIT_PER_MINUTE * 10) / 60, e.KEY_RATE_LIMIT_BURST * 10),
    lastTouched: new Map(),
    counters,
    calls: { running: 0 },
    heartbeat: async () => {
      await Promise.all([balances.heartbeat(), caps.heartbeat()]);
    },
    releaseIdle: async (idleMs = IDLE_RELEASE_MS) => {
      await Promise.all([balances.releaseIdle(idleMs), caps.releaseIdle(idleMs)]);
    },
    sweep: () =>
      sweepStaleHolds(STALE_MS, (err, row) => {
        counters.sweepFailures++;
        log.warn({ err, instanceId, row }, "sweeping a stale hold failed; the sweep goes on with the others");
      }).catch((err) => {
        counters.sweepFailures++;
        log.warn({ err, instanceId }, "hold sweeper failed");
        return 0;
      }),
    async stop() {
      for (const t of timers) clearInterval(t);
      // Calls still running finish and settle first, so what they reserved is free again; then
      // every hold goes back, busy or not, so the balance is whole at once. A call that outlives
      // the grace keeps its part in the row until another instance sweeps it.
      // Real time: tests freeze the injected clock.
      const until = performance.now() + (opts.stopGraceMs ?? STOP_GRACE_MS);
      const busy = () => runtime.calls.running > 0 || !runtime.batcher.idle || balances.busy() || caps.busy();
      while (busy() && performance.now() < until) await new Promise((r) => setTimeout(r, 20));
      await Promise.all([balances.releaseAll(), caps.releaseAll()]);
      if (peekPart("gateway") === runtime) setPart("gateway", undefined);
    },
  };
  // The pools count and log their own failures and never throw.
  const timers =
    opts.timers === false
      ? []
      : [
          setInterval(() => void runtime.releaseIdle(), 1_000),
          setInterval(() => void runtime.heartbeat(), HEARTBEAT_MS),
          setInterval(() => void runtime.sweep(), STALE_MS / 3),
        ];
  for (const t of timers) t.unref();
  return runtime;
}

// The process's gateway lives in the runtime container (lib/runtime.ts); resetRuntime() stops it.
export function gateway(): GatewayRuntime {
  return ensurePart("gateway", () => createGateway(), stopQuietly);
}

const stopQuietly = (rt: GatewayRuntime) => rt.stop().catch(() => {});

/** Tests: make `rt` the runtime /agent calls go through (undefined: the next call creates one). */
export function installGateway(rt: GatewayRuntime | undefined) {
  setPart("gateway", rt, stopQuietly);
}

/** Tests swap databases and configuration between suites. */
export async function resetGateway() {
  const rt = peekPart("gateway");
  setPart("gateway", undefined);
  await rt?.stop().catch(() => {});
}
