import "server-only";
import { AppError } from "@/lib/errors";

/**
 * A per-instance hold on a budget (an account's balance, or a key's monthly cap): a chunk is
 * moved into this instance's hold with one database write, then calls reserve from it in
 * memory. Every hold row carries a lease; every write names it, so a hold the sweeper (or a
 * cap change) took can no longer be used. See lib/gateway/README.md for the protocol.
 */
export interface HoldStore {
  /**
   * Moves min(want, spendable) into this instance's hold if spendable ≥ need: under `lease` (a
   * top-up), or under a new lease when `lease` is null. "lost": `lease` is no longer this
   * instance's; null: not enough. `total` is the row's amount afterwards.
   */
  acquire(
    id: string,
    lease: string | null,
    need: bigint,
    want: bigint,
  ): Promise<{ lease: string; took: bigint; total: bigint } | "lost" | null>;
  /** Returns `amount` of the hold to the budget (deleting the row when that is all of it); false: the lease was lost. */
  release(id: string, lease: string, amount: bigint): Promise<boolean>;
  /** Heartbeats these holds; returns `${id}:${lease}` of the rows it refreshed (the others are lost). */
  refresh(holds: { id: string; lease: string }[]): Promise<Set<string>>;
}

/** Failures the runtime counts (and logs) instead of swallowing. */
export interface HoldCounters {
  heartbeatFailures: number;
  releaseFailures: number;
  leasesLost: number;
  sweepFailures: number;
}

export const newHoldCounters = (): HoldCounters => ({
  heartbeatFailures: 0,
  releaseFailures: 0,
  leasesLost: 0,
  sweepFailures: 0,
});

export interface HoldPoolOptions {
  /** Monotonic milliseconds (injectable so tests can pause an instance). */
  clock: () => number;
  /** How long after a successful heartbeat (by this clock) the lease is surely still ours. */
  leaseMs: number;
  counters: HoldCounters;
  warn: (what: Record<string, unknown>, msg: string) => void;
}

interface Hold {
  /** The lease of this instance's row; null when it owns none (nothing held). */
  lease: string | null;
  /** Held in the database under `lease` and not yet settled. */
  held: bigint;
  /** Part of `held` free for new reservations. */
  available: bigint;
  inflight: number;
  lastUsed: number;
  /** Until then (by the clock) the lease cannot have been swept. */
  validUntil: number;
  /** The budget's limit the hold was validated against (a key's cap). */
  version?: string;
  /** An acquisition or re-validation in progress; false when it found no money. */
  pending?: Promise<boolean>;
}

export class HoldPool {
  private holds = new Map<string, Hold>();
  private closed = false;

  constructor(
    private readonly store: HoldStore,
    /** How much to take at once, given what a call needs: larger chunks, fewer writes. */
    private readonly chunk: (need: bigint) => bigint,
    private readonly o: HoldPoolOptions,
  ) {}

  /**
   * Reserves `amount` for one call: the lease it was reserved under, or null when the budget
   * cannot cover it. A `version` different from the hold's (the key's cap changed) forces a
   * re-validation, as does a lease this instance may have lost (paused past `leaseMs`).
   */
  async reserve(id: string, amount: bigint, version?: string): Promise<string | null> {
    let h = this.holds.get(id);
    if (!h) {
      h = { lease: null, held: 0n, available: 0n, inflight: 0, lastUsed: this.o.clock(), validUntil: 0 };
      this.holds.set(id, h);
    }
    h.inflight++;
    try {
      for (;;) {
        if (h.pending) {
          const found = await h.pending;
          if (!found && h.available < amount) return null;
          continue;
        }
        if (h.lease && (this.o.clock() > h.validUntil || (version !== undefined && version !== h.version))) {
          h.pending = this.revalidate(id, h, version);
        } else if (h.lease && h.available >= amount) {
          h.available -= amount;
          h.lastUsed = this.o.clock();
          return h.lease;
        } else if (this.closed) {
          throw new AppError("unavailable", "This server is shutting down. Please retry.");
        } else {
          // One acquisition at a time per budget; concurrent callers wait for it and re-check.
          h.pending = this.acquire(id, h, amount, version);
        }
        const p = h.pending;
        const clear = () => {
          if (h.pending === p) h.pending = undefined;
        };
        p.then(clear, clear);
      }
    } finally {
      h.inflight--;
    }
  }

  private async acquire(id: string, h: Hold, amount: bigint, version: string | undefined): Promise<boolean> {
    const lease = h.lease;
    const need = lease ? amount - h.available : amount;
    const chunk = this.chunk(amount);
    const sentAt = this.o.clock();
    const r = await this.store.acquire(id, lease, need, need > chunk ? need : chunk);
    if (r === "lost") {
      if (h.lease === lease) this.lose(id, h, "top-up");
      return true;
    }
    if (r === null) return false;
    if (lease === null) {
      // A fresh row (or this instance's abandoned row, adopted with all it still holds).
      Object.assign(h, {
        lease: r.lease,
        held: r.total,
        available: r.total,
        version,
        validUntil: sentAt + this.o.leaseMs,
      });
    } else if (h.lease === lease) {
      h.held += r.took;
      h.available += r.took;
      h.validUntil = Math.max(h.validUntil, sentAt + this.o.leaseMs);
    }
    return true;
  }

  private async revalidate(id: string, h: Hold, version: string | undefined): Promise<boolean> {
    const lease = h.lease!;
    const sentAt = this.o.clock();
    const ok = (await this.store.refresh([{ id, lease }])).has(`${id}:${lease}`);
    if (h.lease !== lease) return true;
    if (!ok) this.lose(id, h, "re-validation");
    else {
      h.validUntil = sentAt + this.o.leaseMs;
      h.version = version;
    }
    return true;
  }

  /** The lease is gone: nothing more is served from this hold, and reservations made under it no longer count here. */
  private lose(id: string, h: Hold, how: string) {
    this.lost(id, h.lease, h.held, how);
    Object.assign(h, { lease: null, held: 0n, available: 0n, version: undefined, validUntil: 0 });
  }

  private lost(id: string, lease: string | null, held: bigint, how: string) {
    this.o.counters.leasesLost++;
    this.o.warn({ id, lease, held: held.toString(), how }, "hold lease lost");
  }

  private current(id: string, lease: string): Hold | undefined {
    const h = this.holds.get(id);
    return h && h.lease === lease ? h : undefined;
  }

  /** A reservation that will not be charged at all (failed call, or the other budget refused). */
  cancel(id: string, lease: string, amount: bigint) {
    const h = this.current(id, lease);
    if (h) h.available += amount;
  }

  /** The call used `cost` of its `reserved`: the rest is free again; `cost` awaits settlement. */
  finish(id: string, lease: string, reserved: bigint, cost: bigint) {
    const h = this.current(id, lease);
    if (h) h.available += reserved - cost;
  }

  /**
   * The settlement batch came back. `fromHold`: the database found the lease and charged the hold
   * (or, when `charged` is false, would have). Otherwise the lease is lost.
   */
  settled(id: string, lease: string, cost: bigint, charged: boolean, fromHold: boolean) {
    const h = this.current(id, lease);
    if (!h) return;
    if (!fromHold) this.lose(id, h, "settlement");
    else if (charged) h.held -= cost;
    else h.available += cost;
  }

  /** A settlement batch failed: nothing was charged, the amount is free again. */
  unsettled(id: string, lease: string, cost: bigint) {
    const h = this.current(id, lease);
    if (h) h.available += cost;
  }

  /** Returns holds unused for `idleMs` (all of them when idleMs is 0) to their budgets. Never throws. */
  async releaseIdle(idleMs: number, force = false): Promise<void> {
    const now = this.o.clock();
    for (const [id, h] of this.holds) {
      if (!force && (h.inflight > 0 || h.pending || now - h.lastUsed < idleMs)) continue;
      const lease = h.lease;
      // Only the free part goes back; what awaits settlement stays held until its batch commits.
      if (lease && (h.available > 0n || h.held === 0n)) await this.release(id, h, lease);
      if (!h.lease && h.inflight === 0 && !h.pending) this.holds.delete(id);
    }
  }

  /**
   * Shutdown: no more money is taken, and the free part of every hold goes back, even one a
   * reservation is still waiting on (that reservation then fails with 503).
   */
  releaseAll(): Promise<void> {
    this.closed = true;
    return this.releaseIdle(0, true);
  }

  /** A reservation is being taken or a hold re-validated. */
  busy(): boolean {
    for (const h of this.holds.values()) if (h.inflight > 0 || h.pending) return true;
    return false;
  }

  private async release(id: string, h: Hold, lease: string) {
    const amount = h.available;
    h.available = 0n;
    h.held -= amount;
    // All of it: the row goes, and a new call takes a new lease.
    if (h.held === 0n) Object.assign(h, { lease: null, validUntil: 0, version: undefined });
    try {
      if (!(await this.store.release(id, lease, amount))) {
        // Nothing was given back twice: the row is gone (or no longer ours).
        if (h.lease === lease) this.lose(id, h, "release");
        else this.lost(id, lease, amount, "release");
      }
    } catch (err) {
      // The outcome is unknown: stop using the row. If it is still there, the sweeper frees it
      // once this instance stops heartbeating it.
      this.o.counters.releaseFailures++;
      this.o.warn({ err, id, lease }, "releasing a hold failed; abandoning it to the sweeper");
      if (h.lease === lease)
        Object.assign(h, { lease: null, held: 0n, available: 0n, validUntil: 0, version: undefined });
    }
  }

  /** Heartbeats every hold this instance owns; a hold the database did not refresh is lost. Never throws. */
  async heartbeat(): Promise<void> {
    const items = [...this.holds].filter(([, h]) => h.lease).map(([id, h]) => ({ id, lease: h.lease! }));
    if (!items.length) return;
    const sentAt = this.o.clock();
    let refreshed: Set<string>;
    try {
      refreshed = await this.store.refresh(items);
    } catch (err) {
      this.o.counters.heartbeatFailures++;
      this.o.warn({ err, holds: items.length }, "hold heartbeat failed");
      return;
    }
    for (const { id, lease } of items) {
      const h = this.current(id, lease);
      if (!h) continue;
      if (refreshed.has(`${id}:${lease}`)) h.validUntil = Math.max(h.validUntil, sentAt + this.o.leaseMs);
      else this.lose(id, h, "heartbeat");
    }
  }

  snapshot(id: string) {
    const h = this.holds.get(id);
    return h ? { held: h.held, available: h.available, lease: h.lease } : { held: 0n, available: 0n, lease: null };
  }
}
