import "server-only";
import { getDb } from "@/lib/db";
import { drawUsageIds } from "@/lib/usage/batch-usage";

const BLOCK = 256;

/**
 * Usage event ids drawn from the database's sequence a block at a time (one round trip per
 * BLOCK calls), so a call knows its completion id before its first byte. Ids of an instance
 * that stops are simply never used.
 */
export class UsageIds {
  private ids: bigint[] = [];
  private pending?: Promise<void>;

  async next(): Promise<bigint> {
    while (!this.ids.length) {
      this.pending ??= this.fill().finally(() => (this.pending = undefined));
      await this.pending;
    }
    return this.ids.pop()!;
  }

  private async fill() {
    const drawn = await drawUsageIds(await getDb(), BLOCK);
    // Hand them out in ascending order.
    this.ids.push(...drawn.sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)));
  }
}
