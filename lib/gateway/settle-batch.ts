import "server-only";
import { randomUUID } from "node:crypto";
import { getDb, type Queryable } from "@/lib/db";
import { ensureAccount, usageChargesSql } from "@/lib/billing/ledger";
import { monthStart } from "./hold-stores";

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

const MAX_BATCH = 1000;

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
        const items = batch.map((b) => b.s);
        // The common batch is one statement, atomic by itself: skip BEGIN/COMMIT round trips.
        const single = items.every((i) => !i.usage.payerWallet && !i.touchKey);
        await (single ? writeBatch(db, this.instanceId, items) : db.transaction((tx) => writeBatch(tx, this.instanceId, items)));
        for (const b of batch) b.resolve();
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
    this.flushing = false;
  }
}

async function writeBatch(q: Queryable, instanceId: string, items: Settlement[]) {
  const payerAccounts = new Map<string, string>();
  for (const { usage } of items) {
    if (usage.payerWallet && !payerAccounts.has(usage.payerWallet)) payerAccounts.set(usage.payerWallet, await ensureAccount(q, usage.payerWallet));
  }
  const byAccount = new Map<string, bigint>();
  // Every key's spend this month is kept (so a cap set mid-month counts what was already
  // spent); for capped keys the cost also leaves the cap's hold.
  const byKey = new Map<string, { cost: bigint; held: bigint }>();
  for (const { usage, charge } of items) {
    if (!charge || usage.costMicro === 0n) continue;
    byAccount.set(charge.accountId, (byAccount.get(charge.accountId) ?? 0n) + usage.costMicro);
    const k = byKey.get(charge.keyId) ?? { cost: 0n, held: 0n };
    k.cost += usage.costMicro;
    if (charge.capped) k.held += usage.costMicro;
    byKey.set(charge.keyId, k);
  }

  // One statement (so one round trip, atomic on its own): the usage events as arrays, the
  // ledger entries and balance moves, the hold rows and the capped keys' period spend.
  const cols: unknown[][] = Array.from({ length: 12 }, () => []);
  for (const { usage: u } of items) {
    const row = [
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
      u.at.toISOString(),
    ];
    row.forEach((v, i) => cols[i]!.push(v));
  }
  const charges = usageChargesSql(13, instanceId, randomUUID(), [...byAccount].map(([accountId, costMicro]) => ({ accountId, costMicro })));
  const keys = [[...byKey.keys()], [...byKey.values()].map((k) => k.cost.toString()), [...byKey.values()].map((k) => k.held.toString()), monthStart()];
  await q.query(
    `WITH ev AS (
       INSERT INTO usage_events (account_id, key_id, auth_kind, product, model, input_tokens, output_tokens, cost_micro, latency_ms, status, request_id, created_at)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::int[], $7::int[], $8::bigint[], $9::int[], $10::int[], $11::text[], $12::timestamptz[])
       RETURNING 1
     ),
     ${charges.ctes},
     spent AS (SELECT * FROM unnest($17::uuid[], $18::bigint[], $19::bigint[]) AS k(key_id, cost, held)),
     key_spend AS (
       UPDATE api_keys k SET
         period_spend_micro = CASE WHEN k.period_start = $20::date THEN k.period_spend_micro ELSE 0 END + c.cost,
         period_start = $20::date,
         cap_held_micro = k.cap_held_micro - c.held
       FROM spent c WHERE k.id = c.key_id RETURNING k.id AS key_id, c.held
     ),
     cap_holds AS (
       UPDATE key_cap_holds h SET amount_micro = h.amount_micro - c.held
       FROM key_spend c WHERE c.held > 0 AND h.instance_id = $16 AND h.key_id = c.key_id RETURNING 1
     )
     SELECT (SELECT count(*) FROM ev) AS events, (SELECT count(*) FROM acc) AS accounts`,
    [...cols, ...charges.params, ...keys],
  );
  const touched = [...new Set(items.map((i) => i.touchKey).filter((k): k is string => !!k))];
  if (touched.length) await q.query("UPDATE api_keys SET last_used_at = now() WHERE id = ANY($1::uuid[])", [touched]);
}
