import "server-only";

/**
 * A per-instance hold on a budget (an account's balance, or a key's monthly cap): a chunk is
 * moved into this instance's hold with one database write, then calls reserve from it in
 * memory. See lib/gateway/README.md for why and for the invariants.
 */
export interface HoldStore {
  /** Moves min(want, spendable) into this instance's hold if spendable ≥ need; returns the amount taken (0n when not enough). */
  acquire(id: string, need: bigint, want: bigint): Promise<bigint>;
  /** Returns an unused amount of this instance's hold to the budget. */
  release(id: string, amount: bigint): Promise<void>;
}

interface Hold {
  /** Held in the database for this instance and not yet settled. */
  held: bigint;
  /** Part of `held` free for new reservations. */
  available: bigint;
  inflight: number;
  lastUsed: number;
  acquiring?: Promise<bigint>;
}

export class HoldPool {
  private holds = new Map<string, Hold>();

  constructor(
    private readonly store: HoldStore,
    /** How much to take at once, given what a call needs: larger chunks, fewer writes. */
    private readonly chunk: (need: bigint) => bigint,
  ) {}

  /** Reserves `amount` for one call, or returns false when the budget cannot cover it. */
  async reserve(id: string, amount: bigint): Promise<boolean> {
    let h = this.holds.get(id);
    if (!h) {
      h = { held: 0n, available: 0n, inflight: 0, lastUsed: Date.now() };
      this.holds.set(id, h);
    }
    h.inflight++;
    try {
      while (h.available < amount) {
        // One acquisition at a time per budget; concurrent callers wait for it and re-check.
        if (!h.acquiring) {
          const need = amount - h.available;
          h.acquiring = this.store.acquire(id, need, need > this.chunk(amount) ? need : this.chunk(amount)).finally(() => {
            h!.acquiring = undefined;
          });
          const took = await h.acquiring;
          if (took === 0n) return false;
          h.held += took;
          h.available += took;
        } else {
          const took = await h.acquiring;
          if (took === 0n && h.available < amount) return false;
        }
      }
      h.available -= amount;
      h.lastUsed = Date.now();
      return true;
    } finally {
      h.inflight--;
    }
  }

  /** A reservation that will not be charged at all (failed call, or the other budget refused). */
  cancel(id: string, amount: bigint) {
    const h = this.holds.get(id);
    if (h) h.available += amount;
  }

  /** The call used `cost` of its `reserved`: the rest is free again; `cost` awaits settlement. */
  finish(id: string, reserved: bigint, cost: bigint) {
    const h = this.holds.get(id);
    if (h) h.available += reserved - cost;
  }

  /** A settlement batch committed: `cost` left the hold (and the budget) in the database. */
  settled(id: string, cost: bigint) {
    const h = this.holds.get(id);
    if (h) h.held -= cost;
  }

  /** A settlement batch failed: nothing was charged, the amount is free again. */
  unsettled(id: string, cost: bigint) {
    const h = this.holds.get(id);
    if (h) h.available += cost;
  }

  /** Returns holds unused for `idleMs` (all of them when idleMs is 0) to their budgets. */
  async releaseIdle(idleMs: number, now = Date.now()): Promise<void> {
    for (const [id, h] of this.holds) {
      if (h.inflight > 0 || h.acquiring || now - h.lastUsed < idleMs) continue;
      // Only the free part goes back; what awaits settlement stays held until its batch commits.
      const amount = h.available;
      if (amount <= 0n) {
        if (h.held === 0n) this.holds.delete(id);
        continue;
      }
      h.available -= amount;
      h.held -= amount;
      try {
        await this.store.release(id, amount);
        if (h.held === 0n && h.available === 0n && h.inflight === 0) this.holds.delete(id);
      } catch {
        h.available += amount;
        h.held += amount;
      }
    }
  }

  snapshot(id: string) {
    const h = this.holds.get(id);
    return h ? { held: h.held, available: h.available } : { held: 0n, available: 0n };
  }
}
