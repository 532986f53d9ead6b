import "server-only";
import { randomUUID } from "node:crypto";
import { getDb, type Queryable } from "@/lib/db";
import { ensureAccount } from "@/lib/billing/ledger";
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
  /** Prepaid-balance calls: the cost is drawn from this instance's holds, under the leases the call reserved with. */
  charge?: { accountId: string; keyId: string; lease: string; capped: boolean; capLease?: string };
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

const MAX_BATCH = 1000;
const UNCHARGED: SettleResult = { served: true, hold: true, capHold: true };

/**
 * Group commit: the settlements of concurrent calls are written in one transaction, and each
 * call is answered only after its batch commits. A batch starts as soon as the previous one
 * finishes, so batches grow with load and latency stays one commit at low load.
 */
export class SettleBatcher {
  private queue: { s: Settlement; resolve: (r: SettleResult) => void; reject: (e: unknown) => void }[] = [];
  private flushing = false;

  constructor(private readonly instanceId: string) {}

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
        const results = await (single ? writeBatch(db, this.instanceId, items) : db.transaction((tx) => writeBatch(tx, this.instanceId, items)));
        batch.forEach((b, i) => b.resolve(results.get(i + 1) ?? UNCHARGED));
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
    this.flushing = false;
  }
}

// The parts for capped keys, left out of batches without any (most): a smaller statement plans faster.
const CAPS_LOCK = `-- Keys only after every account is locked (the count forces it).
  keyl AS (
    SELECT id, spend_cap_micro - CASE WHEN period_start = $20::date THEN period_spend_micro ELSE 0 END - cap_held_micro AS room
    FROM api_keys WHERE id = ANY (ARRAY(SELECT key_id FROM ch WHERE capped)) AND (SELECT count(*) FROM accs) >= 0 ORDER BY id FOR UPDATE
  ),
  khold AS (
    SELECT key_id, lease, amount_micro FROM key_cap_holds
    WHERE instance_id = $18 AND key_id = ANY (ARRAY(SELECT id FROM keyl)) ORDER BY key_id FOR UPDATE
  ),
  kg AS (
    SELECT g.key_id, g.lease, (h.amount_micro IS NOT NULL AND h.amount_micro >= g.cost) AS from_hold, g.cost
    FROM (SELECT key_id, cap_lease AS lease, sum(cost_micro) AS cost FROM ch WHERE capped GROUP BY 1, 2) g
    LEFT JOIN khold h ON h.key_id = g.key_id AND h.lease = g.lease
  ),
  -- A cap removed meanwhile (NULL room) no longer limits anything.
  kok AS (SELECT k.id, (k.room IS NULL OR k.room >= COALESCE(sum(g.cost) FILTER (WHERE NOT g.from_hold), 0)) AS free_ok FROM keyl k JOIN kg g ON g.key_id = k.id GROUP BY k.id, k.room),
`;
const CAPS_DECIDE = `    SELECT c.n, c.charge_account, c.key_id, c.capped, c.cost_micro, ag.from_hold AS hold, COALESCE(kg.from_hold, true) AS cap_hold,
      COALESCE((ag.from_hold OR ag.free_ok) AND (NOT c.capped OR kg.from_hold OR kok.free_ok), false) AS ok
    FROM ch c
    JOIN ag ON ag.account_id = c.charge_account AND ag.lease = c.lease
    LEFT JOIN kg ON c.capped AND kg.key_id = c.key_id AND kg.lease = c.cap_lease
    LEFT JOIN kok ON c.capped AND kok.id = c.key_id
  ),
`;
const NO_CAPS_DECIDE = `    SELECT c.n, c.charge_account, c.key_id, c.capped, c.cost_micro, ag.from_hold AS hold, true AS cap_hold, ag.from_hold OR ag.free_ok AS ok
    FROM ch c JOIN ag ON ag.account_id = c.charge_account AND ag.lease = c.lease
  ),
`;
const CAPS_HOLD = `  cap_hold AS (
    UPDATE key_cap_holds h SET amount_micro = h.amount_micro - s.from_hold FROM sk s
    WHERE s.from_hold > 0 AND h.instance_id = $18 AND h.key_id = s.key_id
    RETURNING h.key_id, s.from_hold AS delta
  ),
`;
const CAPS_HELD = `,
      cap_held_micro = k.cap_held_micro - COALESCE((SELECT delta FROM cap_hold WHERE cap_hold.key_id = k.id), 0)`;
// One statement (so one round trip, atomic on its own). Per account, the calls reserved under
// this instance's current lease are charged from its hold (row and held_micro move together);
// calls under a lease the database no longer has are charged from the free balance
// (balance − held) if it covers all of them, else not served. The same for capped keys and
// their cap holds. Only served calls get a usage event, a ledger entry and key spend. Accounts,
// then their hold rows, then keys, then their cap rows are locked in id order (the same order
// as every other hold statement), so concurrent batches cannot deadlock.
const batchSql = (caps: boolean) => `WITH it AS (
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::int[], $7::int[], $8::bigint[], $9::int[], $10::int[], $11::text[], $12::timestamptz[],
      $13::uuid[], $14::uuid[], $15::bool[], $16::uuid[], $17::uuid[]) WITH ORDINALITY
      AS t(account_id, key_id, auth_kind, product, model, input_tokens, output_tokens, cost_micro, latency_ms, status, request_id, created_at, charge_account, lease, capped, cap_lease, charge_key, n)
  ),
  -- A rolled key's calls count against its replacement's cap and spend: key_id here is the charged key (capKeyId).
  ch AS (SELECT n, charge_account, charge_key AS key_id, capped, cost_micro, lease, cap_lease FROM it WHERE charge_account IS NOT NULL AND cost_micro > 0),
  accs AS (SELECT id, balance_micro - held_micro AS free FROM accounts WHERE id IN (SELECT charge_account FROM ch) ORDER BY id FOR UPDATE),
  ahold AS (
    SELECT account_id, lease, amount_micro FROM balance_holds
    WHERE instance_id = $18 AND account_id = ANY (ARRAY(SELECT id FROM accs)) ORDER BY account_id FOR UPDATE
  ),
  -- Per (account, lease): charged from the hold, or else whether the account's free balance covers all such groups.
  ag AS (
    SELECT g.account_id, g.lease, g.from_hold, g.cost,
      a.free >= sum(CASE WHEN g.from_hold THEN 0 ELSE g.cost END) OVER (PARTITION BY g.account_id) AS free_ok
    FROM (
      SELECT g.account_id, g.lease, g.cost, COALESCE(h.amount_micro >= g.cost, false) AS from_hold
      FROM (SELECT charge_account AS account_id, lease, sum(cost_micro) AS cost FROM ch GROUP BY 1, 2) g
      LEFT JOIN ahold h ON h.account_id = g.account_id AND h.lease = g.lease
    ) g JOIN accs a ON a.id = g.account_id
  ),
${caps ? CAPS_LOCK : ""}  dec AS (
${caps ? CAPS_DECIDE : NO_CAPS_DECIDE}  ev AS (
    INSERT INTO usage_events (account_id, key_id, auth_kind, product, model, input_tokens, output_tokens, cost_micro, latency_ms, status, request_id, created_at)
    SELECT account_id, key_id, auth_kind, product, model, input_tokens, output_tokens, cost_micro, latency_ms, status, request_id, created_at
    FROM it WHERE NOT EXISTS (SELECT 1 FROM dec WHERE dec.n = it.n AND NOT dec.ok)
    RETURNING 1
  ),
  sa AS (SELECT charge_account AS account_id, sum(cost_micro) AS cost, COALESCE(sum(cost_micro) FILTER (WHERE hold), 0) AS from_hold FROM dec WHERE ok GROUP BY 1),
  hold AS (
    -- The row is locked by ahold above, and from_hold > 0 means its lease was the calls' lease.
    UPDATE balance_holds h SET amount_micro = h.amount_micro - s.from_hold FROM sa s
    WHERE s.from_hold > 0 AND h.instance_id = $18 AND h.account_id = s.account_id
    RETURNING h.account_id, s.from_hold AS delta
  ),
  le AS (
    INSERT INTO ledger_entries (account_id, amount_micro, kind, reference)
    SELECT account_id, -cost, 'usage', 'usage:' || $19::text || ':' || account_id FROM sa
    RETURNING account_id, amount_micro
  ),
  acc AS (
    UPDATE accounts a SET balance_micro = a.balance_micro + le.amount_micro,
      held_micro = a.held_micro - COALESCE((SELECT delta FROM hold WHERE hold.account_id = a.id), 0)
    FROM le WHERE a.id = le.account_id RETURNING 1
  ),
  sk AS (SELECT key_id, sum(cost_micro) AS cost, COALESCE(sum(cost_micro) FILTER (WHERE capped AND cap_hold), 0) AS from_hold FROM dec WHERE ok GROUP BY 1),
${caps ? CAPS_HOLD : ""}  -- Every key's spend this month is kept (so a cap set mid-month counts what was already spent).
  key_spend AS (
    UPDATE api_keys k SET
      period_spend_micro = CASE WHEN k.period_start = $20::date THEN k.period_spend_micro ELSE 0 END + s.cost,
      period_start = $20::date${caps ? CAPS_HELD : ""}
    FROM sk s WHERE k.id = s.key_id RETURNING 1
  )
  SELECT n, ok, hold, cap_hold FROM dec WHERE NOT (ok AND hold AND cap_hold)`;
const BATCH_SQL = batchSql(false);
const BATCH_SQL_CAPS = batchSql(true);

/** Writes a batch; returns the outcome of each call that was not simply charged from its holds, by 1-based position. */
async function writeBatch(q: Queryable, instanceId: string, items: Settlement[]): Promise<Map<number, SettleResult>> {
  const payerAccounts = new Map<string, string>();
  for (const { usage } of items) {
    if (usage.payerWallet && !payerAccounts.has(usage.payerWallet)) payerAccounts.set(usage.payerWallet, await ensureAccount(q, usage.payerWallet));
  }
  const cols: unknown[][] = Array.from({ length: 17 }, () => []);
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
    ];
    row.forEach((v, i) => cols[i]!.push(v));
  }
  const rows = await q.query<{ n: string | number | null; ok: boolean; hold: boolean; cap_hold: boolean }>(items.some((i) => i.charge?.capped) ? BATCH_SQL_CAPS : BATCH_SQL, [...cols, instanceId, randomUUID(), monthStart()]);
  const results = new Map<number, SettleResult>();
  for (const r of rows) if (r.n !== null) results.set(Number(r.n), { served: r.ok, hold: r.hold, capHold: r.cap_hold });
  const touched = [...new Set(items.map((i) => i.touchKey).filter((k): k is string => !!k))];
  if (touched.length) await q.query("UPDATE api_keys SET last_used_at = now() WHERE id = ANY($1::uuid[])", [touched]);
  return results;
}
