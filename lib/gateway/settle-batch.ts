import "server-only";
import { randomUUID } from "node:crypto";
import { getDb, type Queryable } from "@/lib/db";
import { applyLedgerEntry, ensureAccount } from "@/lib/billing/ledger";

export interface UsageRecord {
  accountId: string | null;
  /** x402 calls are recorded under the payer's wallet, whose account is created if needed. */
  payerWallet?: string;
  keyId: string | null;
  authKind: "key" | "jwt" | "x402";
  product: string | null;
  model: string;
  inputTokens: number;
  outputTokens: number;
  costMicro: bigint;
  latencyMs: number;
  status: number;
  requestId: string;
  at: Date;
}

export interface Settlement {
  usage: UsageRecord;
  /** Prepaid-balance calls: the cost is drawn from this instance's holds. */
  charge?: { accountId: string; keyId: string; capped: boolean };
  /** Key whose last_used_at is due for a refresh (coalesced to one write a minute per key). */
  touchKey?: string;
}

const MAX_BATCH = 400;
const COLUMNS = 12;

/**
 * Group commit: the settlements of concurrent calls are written in one transaction, and each
 * call is answered only after its batch commits. A batch starts as soon as the previous one
 * finishes, so batches grow with load and latency stays one commit at low load.
 */
export class SettleBatcher {
  private queue: { s: Settlement; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private flushing = false;

  constructor(private readonly instanceId: string) {}

  submit(s: Settlement): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ s, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        // Let the calls finishing in this turn of the event loop join the batch.
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain() {
    while (this.queue.length) {
      const batch = this.queue.splice(0, MAX_BATCH);
      try {
        const db = await getDb();
        await db.transaction((tx) => writeBatch(tx, this.instanceId, batch.map((b) => b.s)));
        for (const b of batch) b.resolve();
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
    this.flushing = false;
  }
}

async function writeBatch(tx: Queryable, instanceId: string, items: Settlement[]) {
  const payerAccounts = new Map<string, string>();
  for (const { usage } of items) {
    if (usage.payerWallet && !payerAccounts.has(usage.payerWallet)) payerAccounts.set(usage.payerWallet, await ensureAccount(tx, usage.payerWallet));
  }

  const params: unknown[] = [];
  const rows: string[] = [];
  for (const { usage: u } of items) {
    const base = params.length;
    rows.push(`(${Array.from({ length: COLUMNS }, (_, i) => `$${base + i + 1}`).join(",")})`);
    params.push(
      u.accountId ?? (u.payerWallet ? payerAccounts.get(u.payerWallet)! : null),
      u.keyId,
      u.authKind,
      u.product,
      u.model,
      u.inputTokens,
      u.outputTokens,
      u.costMicro.toString(),
      u.latencyMs,
      u.status,
      u.requestId,
      u.at,
    );
  }
  await tx.query(
    `INSERT INTO usage_events (account_id, key_id, auth_kind, product, model, input_tokens, output_tokens, cost_micro, latency_ms, status, request_id, created_at)
     VALUES ${rows.join(",")}`,
    params,
  );

  const byAccount = new Map<string, bigint>();
  const byCappedKey = new Map<string, bigint>();
  for (const { usage, charge } of items) {
    if (!charge || usage.costMicro === 0n) continue;
    byAccount.set(charge.accountId, (byAccount.get(charge.accountId) ?? 0n) + usage.costMicro);
    if (charge.capped) byCappedKey.set(charge.keyId, (byCappedKey.get(charge.keyId) ?? 0n) + usage.costMicro);
  }
  const batchId = randomUUID();
  for (const [accountId, cost] of byAccount) {
    await applyLedgerEntry(tx, { accountId, amountMicro: -cost, kind: "usage", reference: `usage:${batchId}:${accountId}`, fromHold: true });
    await tx.query("UPDATE balance_holds SET amount_micro = amount_micro - $3 WHERE instance_id = $1 AND account_id = $2", [instanceId, accountId, cost.toString()]);
  }
  for (const [keyId, cost] of byCappedKey) {
    await tx.query("UPDATE api_keys SET period_spend_micro = period_spend_micro + $2, cap_held_micro = cap_held_micro - $2 WHERE id = $1", [keyId, cost.toString()]);
    await tx.query("UPDATE key_cap_holds SET amount_micro = amount_micro - $3 WHERE instance_id = $1 AND key_id = $2", [instanceId, keyId, cost.toString()]);
  }
  const touched = [...new Set(items.map((i) => i.touchKey).filter((k): k is string => !!k))];
  if (touched.length) await tx.query("UPDATE api_keys SET last_used_at = now() WHERE id = ANY($1::uuid[])", [touched]);
}
