import { createHash } from "node:crypto";
import { b58encode } from "./json";

export const SLOT_MS = 400;
export const SLOTS_PER_EPOCH = 432_000;
// Like a real cluster: a new blockhash every slot, each usable for 150 blocks. Per-slot rotation matters:
// web3.js re-signing an identical transaction polls for a *new* blockhash and gives up after ~10 s.
export const BLOCKHASH_VALID_SLOTS = 150;

/**
 * Time-derived slots and blockhashes. Everything is a pure function of the persisted genesis time and
 * seed, so slots keep increasing and recently issued blockhashes stay valid across restarts.
 */
export class SlotClock {
  private readonly hashes = new Map<number, string>();

  constructor(
    private readonly genesisMs: number,
    private readonly seed: Uint8Array,
    private readonly now: () => number = Date.now,
  ) {}

  slot(): number {
    return Math.max(0, Math.floor((this.now() - this.genesisMs) / SLOT_MS));
  }

  blockTime(slot: number): number {
    return Math.floor((this.genesisMs + slot * SLOT_MS) / 1000);
  }

  get genesisHash(): string {
    return this.hashFor("genesis", 0);
  }

  latestBlockhash(): { blockhash: string; lastValidBlockHeight: number } {
    const slot = this.slot();
    return { blockhash: this.blockhashOf(slot), lastValidBlockHeight: slot + BLOCKHASH_VALID_SLOTS };
  }

  isBlockhashValid(blockhash: string): boolean {
    const slot = this.slot();
    for (let s = slot; s >= 0 && s + BLOCKHASH_VALID_SLOTS >= slot; s--) {
      if (this.blockhashOf(s) === blockhash) return true;
    }
    return false;
  }

  blockhashOf(slot: number): string {
    let hash = this.hashes.get(slot);
    if (!hash) {
      hash = this.hashFor("blockhash", slot);
      if (this.hashes.size > 1024) this.hashes.clear();
      this.hashes.set(slot, hash);
    }
    return hash;
  }

  private hashFor(label: string, n: number): string {
    return b58encode(createHash("sha256").update(this.seed).update(`${label}:${n}`).digest());
  }
}
