import "server-only";
import { randomUUID } from "node:crypto";
import { sql, type SQL } from "drizzle-orm";
import { getDb, type Queryable } from "@/lib/db";
import { batchAccountLocks, batchHoldCharges } from "@/lib/billing/balance-holds";
import { batchAccountTotals, batchLedgerCharges } from "@/lib/billing/batch-charges";
import { ensureAccount } from "@/lib/billing/ledger";
import { batchCapLocks, batchKeySpend, periodStarts, touchKeys } from "@/lib/keys/cap-holds";
import { batchUsageEvents } from "@/lib/usage/batch-usage";

export interface UsageRecord {
  /** Drawn before the call ran (rt.usageIds): the completion id. */
  id: bigint;
  accountId: string | null;
  /** x402 calls are recorded under the payer's wallet, whose account is created if needed. */
  payerWallet?: string;
  keyId: string | null;
  authKind: "key" | "jwt" | "siwx" | "x402";
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
  /** Prepaid-balance calls: the cost is drawn from this instance's holds, under the leases the call reserved with. */
  charge?: { accountId: string; keyId: string | null; lease: string; capped: boolean; capLease?: string };
  /** Key whose last_used_at is due for a refresh (coalesced to one write a minute per key). */
  touchKey?: string;
}

/**
 * What the batch did with a call. `served` false: the call was not recorded nor charged (its
 * hold's lease was lost and the free balance or cap could not cover it) — answer 503.
 * `hold`/`capHold`: the database still had the call's lease (otherwise the lease is lost).
 */
export interface SettleResult {
  served: boolean;
  hold: boolean;
  capHold: boolean;
}

const UNCHARGED: SettleResult = { served: true, hold: true, capHold: true };

const MAX_BATCH = 1000;

/**
 * Group commit: the settlements of concurrent calls are written in one transaction, and each
 * call is answered only after its batch commits. A batch starts as soon as the previous one
 * finishes, so batches grow with load and latency stays one commit at low load.
 */
export class SettleBatcher {
  private queue: { s: Settlement; resolve: (r: SettleResult) => void; reject: (e: unknown) => void }[] = [];
  private flushing = false;

  constructor(private readonly instanceId: string) {}

  /** Nothing queued or being written. */
  get idle(): boolean {
    return !this.flushing && this.queue.length === 0;
  }

  submit(s: Settlement): Promise<SettleResult> {
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
        const results = await (single
          ? writeBatch(db, this.instanceId, items)
          : db.transaction((tx) => writeBatch(tx, this.instanceId, items)));
        batch.forEach((b, i) => b.resolve(results.get(i + 1) ?? UNCHARGED));
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
    this.flushing = false;
  }
}

// Per call, which charge it gets: from the account's hold or its free balance (ag), and for
// capped keys from the cap hold or the cap's room (kg, kok). `ok` false: not served.
const CAPS_DECIDE = sql`dec AS (
    SELECT c.n, c.charge_account, c.key_id, c.capped, c.cost_micro, ag.from_hold AS hold, COALESCE(kg.from_hold, true) AS cap_hold,
      COALESCE((ag.from_hold OR ag.free_ok) AND (NOT c.capped OR kg.from_hold OR kok.free_ok), false) AS ok
    FROM ch c
    JOIN ag ON ag.account_id = c.charge_account AND ag.lease = c.lease
    LEFT JOIN kg ON c.capped AND kg.key_id = c.key_id AND kg.lease = c.cap_lease
    LEFT JOIN kok ON c.capped AND kok.id = c.key_id
  )`;
const NO_CAPS_DECIDE = sql`dec AS (
    SELECT c.n, c.charge_account, c.key_id, c.capped, c.cost_micro, ag.from_hold AS hold, true AS cap_hold, ag.from_hold OR ag.free_ok AS ok
    FROM ch c JOIN ag ON ag.account_id = c.charge_account AND ag.lease = c.lease
  )`;

const COLUMNS = 18;
const arr = (values: unknown[], type: string) => sql`${sql.param(values)}::${sql.raw(type)}[]`;

/** The batch's calls as rows `it` (n: 1-based position), and `ch`, those that charge a prepaid balance. */
function batchInput(cols: unknown[][]): SQL {
  const types = ["uuid", "uuid", "text", "text", "text", "int", "int", "bigint", "int", "int", "text", "timestamptz"];
  const more = ["uuid", "uuid", "bool", "uuid", "uuid", "bigint"];
  const arrays = sql.join(
    [...types, ...more].map((t, i) => arr(cols[i]!, t)),
    sql`, `,
  );
  return sql`it AS (
    SELECT * FROM unnest(${arrays}) WITH ORDINALITY
      AS t(account_id, key_id, auth_kind, product, model, input_tokens, output_tokens, cost_micro, latency_ms, status, request_id, created_at, charge_account, lease, capped, cap_lease, charge_key, id, n)
  ),
  -- A rolled key's calls count against its replacement's cap and spend: key_id here is the charged key (capKeyId).
  ch AS (SELECT n, charge_account, charge_key AS key_id, capped, cost_micro, lease, cap_lease FROM it WHERE charge_account IS NOT NULL AND cost_micro > 0)`;
}

// One statement (so one round trip, atomic on its own), composed of the fragments each table's
// owner writes. Per account, the calls reserved under this instance's current lease are charged
// from its hold (row and held_micro move together); calls under a lease the database no longer
// has are charged from the free balance (balance − held) if it covers all of them, else not
// served. The same for capped keys and their cap holds (left out of batches without any: a
// smaller statement plans faster). Only served calls get a usage event, a ledger entry and key
// spend. Accounts, then their hold rows, then keys, then their cap rows are locked in id order
// (the same order as every other hold statement), so concurrent batches cannot deadlock.
function batchSql(cols: unknown[][], instanceId: string, caps: boolean): SQL {
  const periods = periodStarts();
  return sql`WITH ${batchInput(cols)},
  ${batchAccountLocks(instanceId)},
  ${caps ? sql`${batchCapLocks(instanceId, periods)},` : sql``}
  ${caps ? CAPS_DECIDE : NO_CAPS_DECIDE},
  ${batchUsageEvents()},
  ${batchAccountTotals()},
  ${batchHoldCharges(instanceId)},
  ${batchLedgerCharges(randomUUID())},
  ${batchKeySpend(instanceId, periods, caps)}
  SELECT n, ok, hold, cap_hold FROM dec WHERE NOT (ok AND hold AND cap_hold)`;
}

/** Writes a batch; returns the outcome of each call that was not simply charged from its holds, by 1-based position. */
async function writeBatch(q: Queryable, instanceId: string, items: Settlement[]): Promise<Map<number, SettleResult>> {
  const payerAccounts = new Map<string, string>();
  for (const { usage } of items) {
    if (usage.payerWallet && !payerAccounts.has(usage.payerWallet))
      payerAccounts.set(usage.payerWallet, await ensureAccount(q, usage.payerWallet));
  }
  const cols: unknown[][] = Array.from({ length: COLUMNS }, () => []);
  for (const { usage: u, charge: c } of items) {
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
      c?.accountId ?? null,
      c?.lease ?? null,
      c?.capped ?? false,
      c?.capLease ?? null,
      c?.keyId ?? null,
      u.id.toString(),
    ];
    row.forEach((v, i) => cols[i]!.push(v));
  }
  const rows = await q.rows<{ n: string | number; ok: boolean; hold: boolean; cap_hold: boolean }>(
    batchSql(
      cols,
      instanceId,
      items.some((i) => i.charge?.capped),
    ),
  );
  const results = new Map<number, SettleResult>();
  for (const r of rows) results.set(Number(r.n), { served: r.ok, hold: r.hold, capHold: r.cap_hold });
  const touched = [...new Set(items.map((i) => i.touchKey).filter((k): k is string => !!k))];
  if (touched.length) await touchKeys(q, touched);
  return results;
}
