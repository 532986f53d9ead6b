import "server-only";
import os from "node:os";
import { randomBytes } from "node:crypto";
import { env } from "@/lib/env";
import { logger } from "@/lib/log";
import { TokenBuckets } from "@/lib/http/rate-limit";
import { HoldPool } from "./holds";
import { accountHoldStore, heartbeat, keyCapHoldStore, sweepStaleHolds } from "./hold-stores";
import { SettleBatcher } from "./settle-batch";

const IDLE_RELEASE_MS = 3_000;

export interface GatewayRuntime {
  instanceId: string;
  balances: HoldPool;
  caps: HoldPool;
  batcher: SettleBatcher;
  keyLimiter: TokenBuckets;
  productLimiter: TokenBuckets;
  lastTouched: Map<string, number>;
  stop(): Promise<void>;
}

const KEY = Symbol.for("solrouter.gateway");

// Balance chunks: enough for many calls per write, but small enough that another instance
// (or a cap) is rarely starved by an idle hold.
const balanceChunk = (need: bigint) => (need * 50n > 500_000n ? need * 50n : 500_000n);
const capChunk = (need: bigint) => need * 4n;

export function gateway(): GatewayRuntime {
  const g = globalThis as { [KEY]?: GatewayRuntime };
  if (g[KEY]) return g[KEY];
  const instanceId = `${os.hostname()}-${process.pid}-${randomBytes(4).toString("hex")}`;
  const e = env();
  const balances = new HoldPool(accountHoldStore(instanceId), balanceChunk);
  const caps = new HoldPool(keyCapHoldStore(instanceId), capChunk);
  const log = logger();
  const { HOLD_HEARTBEAT_MS: HEARTBEAT_MS, HOLD_STALE_MS: STALE_MS } = e;
  const timers = [
    setInterval(() => void balances.releaseIdle(IDLE_RELEASE_MS).catch((err) => log.warn({ err }, "releasing idle holds failed")), 1_000),
    setInterval(() => void caps.releaseIdle(IDLE_RELEASE_MS).catch(() => {}), 1_000),
    setInterval(() => void heartbeat(instanceId).catch((err) => log.warn({ err }, "hold heartbeat failed")), HEARTBEAT_MS),
    setInterval(() => void sweepStaleHolds(STALE_MS).catch((err) => log.warn({ err }, "hold sweeper failed")), STALE_MS / 3),
  ];
  for (const t of timers) t.unref();
  const runtime: GatewayRuntime = {
    instanceId,
    balances,
    caps,
    batcher: new SettleBatcher(instanceId),
    keyLimiter: new TokenBuckets(e.KEY_RATE_LIMIT_PER_MINUTE / 60, e.KEY_RATE_LIMIT_BURST),
    productLimiter: new TokenBuckets((e.KEY_RATE_LIMIT_PER_MINUTE * 10) / 60, e.KEY_RATE_LIMIT_BURST * 10),
    lastTouched: new Map(),
    async stop() {
      for (const t of timers) clearInterval(t);
      // Give back what this instance holds so the balance is whole again at once.
      await balances.releaseIdle(0);
      await caps.releaseIdle(0);
      if (g[KEY] === runtime) delete g[KEY];
    },
  };
  g[KEY] = runtime;
  return runtime;
}

/** Tests swap databases and configuration between suites. */
export async function resetGateway() {
  const g = globalThis as { [KEY]?: GatewayRuntime };
  await g[KEY]?.stop().catch(() => {});
  delete g[KEY];
}
