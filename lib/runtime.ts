import type { AsyncLocalStorage } from "node:async_hooks";
import type pino from "pino";
import type { DbHandle } from "@/lib/db/client";
import type { Env } from "@/lib/env";
import type { GatewayRuntime } from "@/lib/gateway/runtime";
import type { KeyResolverState } from "@/lib/keys/resolve";
import type { Facilitator } from "@/lib/x402/facilitator";
import type { PriceSource } from "@/lib/billing/price-source";
import type { TokenAccountInfo } from "@/lib/solana/mints";
import type { TokenBuckets } from "@/lib/limits/token-buckets";
import type { Peer } from "@/lib/http/peer";

// The process's state in one place. Each part is made lazily by the module that owns it (on
// first use, or at boot for the jobs) and read through that module's accessor (env(), getDb(),
// logger(), gateway(), …). This module imports types only, so any module can use it without a
// cycle, and it has no "server-only" mark because lib/env.ts (read by scripts too) stores here.

/** Background work started with the server; stopped on shutdown and by resetRuntime(). */
export interface Job {
  stop(): Promise<void> | void;
}

export interface RuntimeParts {
  /** Validated configuration (lib/env.ts). */
  env: Env;
  /** The process logger (lib/log.ts). */
  log: pino.Logger;
  /** The database handle, opened on first use (lib/db). */
  db: Promise<DbHandle>;
  /** Hold pools, settle batcher and rate limiters of /agent (lib/gateway/runtime.ts). */
  gateway: GatewayRuntime;
  /** API key cache and its LISTEN subscription (lib/keys/resolve.ts). */
  keyResolver: KeyResolverState;
  /** The x402 facilitator for the current configuration (lib/x402/facilitator.ts). */
  facilitator: { config: string; facilitator: Promise<Facilitator> };
  /** Where the $ROUTER price comes from; the environment's unless an oracle was installed. */
  priceSource: PriceSource;
  /** The treasury's token accounts, looked up once (lib/solana/mints.ts). */
  treasuryTokenAccounts: Map<string, TokenAccountInfo>;
  /** Per-address sign-in buckets (lib/http/rate-limit.ts). */
  signInLimits: { perMinute: number; buckets: Record<string, TokenBuckets> };
  /** The deployment's key for x402 sign-in (SIWX) nonces, read once from the database (lib/x402/siwx.ts). */
  siwxNonceKey: Promise<Buffer>;
  /** When this instance last purged expired sign-in challenges (lib/auth/sign-in.ts). */
  challengePurgeAt: number;
  /** The connection of the request being handled (lib/http/peer.ts). */
  peer: { als: AsyncLocalStorage<Peer>; installed: boolean };
}

type Name = keyof RuntimeParts;
type Dispose<K extends Name> = (value: RuntimeParts[K]) => Promise<void> | void;

interface Container {
  parts: Partial<RuntimeParts>;
  /** How to let go of a part the runtime made itself (stop timers, close connections). */
  disposers: { [K in Name]?: Dispose<K> };
  jobs: Job[];
}

// On globalThis: Next evaluates modules once per route bundle (and once more for
// instrumentation), and every copy must see one database handle, one cache, one gateway.
const KEY = Symbol.for("solrouter.runtime");

function container(): Container {
  const g = globalThis as { [KEY]?: Container };
  return (g[KEY] ??= { parts: {}, disposers: {}, jobs: [] });
}

/** The part if it exists, without making it. */
export function peekPart<K extends Name>(name: K): RuntimeParts[K] | undefined {
  return container().parts[name];
}

/** The part, made by `create` on first use; `dispose` is how resetRuntime() lets go of it. */
export function ensurePart<K extends Name>(
  name: K,
  create: () => RuntimeParts[K],
  dispose?: Dispose<K>,
): RuntimeParts[K] {
  const c = container();
  if (c.parts[name] === undefined) setPart(name, create(), dispose);
  return c.parts[name]!;
}

/** Installs a part (undefined: forget it, so the next use makes a new one). Nothing is disposed. */
export function setPart<K extends Name>(name: K, value: RuntimeParts[K] | undefined, dispose?: Dispose<K>): void {
  const c = container();
  if (value === undefined) delete c.parts[name];
  else c.parts[name] = value;
  if (dispose && value !== undefined) (c.disposers as Record<K, Dispose<K>>)[name] = dispose;
  else delete c.disposers[name];
}

/** Forgets `name` and disposes of it if the runtime made it. */
async function disposePart<K extends Name>(name: K): Promise<void> {
  const c = container();
  const value = c.parts[name];
  const dispose = c.disposers[name] as Dispose<K> | undefined;
  setPart(name, undefined);
  if (value !== undefined) await dispose?.(value);
}

export function registerJob(job: Job): void {
  container().jobs.push(job);
}

export async function stopJobs(): Promise<void> {
  const c = container();
  const jobs = c.jobs.splice(0);
  await Promise.allSettled(jobs.map((j) => j.stop()));
}

// Users of the database first (they give back holds and stop listening), the database last.
// Configuration (env, logger) and the HTTP peer capture are process-wide and survive a reset.
const RESET_ORDER: Name[] = [
  "gateway",
  "keyResolver",
  "facilitator",
  "priceSource",
  "treasuryTokenAccounts",
  "signInLimits",
  "siwxNonceKey",
  "challengePurgeAt",
  "db",
];

/**
 * Back to a fresh process, for tests and benchmarks that swap databases and configuration:
 * stops the jobs and the gateway (its holds are released), drops the key cache and its LISTEN,
 * the facilitator, price source, treasury and sign-in caches, and forgets the database (closed
 * only if the runtime opened it), then installs `db` if given. Configuration is not touched:
 * overrideEnv() sets it.
 */
export async function resetRuntime(opts: { db?: DbHandle } = {}): Promise<void> {
  await stopJobs();
  for (const name of RESET_ORDER) await disposePart(name).catch(() => {});
  if (opts.db) setPart("db", Promise.resolve(opts.db));
}
