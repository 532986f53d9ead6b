import "server-only";
import { getDb, type DbHandle, type Queryable } from "@/lib/db";
import { logger } from "@/lib/log";
import { chainConfig } from "@/lib/solana/config";
import { treasuryTokenAccount } from "@/lib/solana/mints";
import { getSignaturesForAddress, getTransaction } from "@/lib/solana/rpc";
import { checkDeposit, type DepositVerdict } from "./deposit-verify";
import { creditTopup, recordFailure } from "./topup-credit";
import { expectationFor, type TopupRow } from "./topups";

// Credits deposits nobody confirmed (a closed tab, a phone wallet paying the QR code) by asking
// the chain for transactions that carry each pending intent's reference. Several instances can
// share one PostgreSQL: each claims its batch with FOR UPDATE SKIP LOCKED, and crediting is
// idempotent anyway. Intents are marked expired only after a last look finds no payment.

export interface ReconcilerOptions {
  intervalMs?: number;
  batchSize?: number;
  /** How long after expiry a payment sent in time may still show up before the intent is closed. */
  graceMs?: number;
  rpcTimeoutMs?: number;
}

export interface ReconcileReport {
  checked: number;
  credited: number;
  expired: number;
  /** Intents whose payments could not be looked up (RPC unreachable): looked at again next pass. */
  unreachable: number;
}

type OkVerdict = Extract<DepositVerdict, { ok: true }>;
type Found = { row: TopupRow; signature: string; verdict: OkVerdict } | { row: TopupRow; reason: string | null };

const RECENT_MS = 2 * 60 * 1000;
// Young intents are where payments are expected; older pending ones are looked at less often.
const SLOW_EVERY_MS = 10_000;
const CONCURRENCY = 8;

const lastLook = new Map<string, number>();

function due(row: TopupRow, now: number, intervalMs: number, graceMs: number): boolean {
  const created = new Date(row.created_at).getTime();
  const expires = new Date(row.expires_at).getTime();
  const every = now - created < RECENT_MS || now > expires + graceMs ? intervalMs : SLOW_EVERY_MS;
  return now - (lastLook.get(row.id) ?? 0) >= every - 50;
}

/** Looks for a valid payment among the transactions that carry the intent's reference (oldest first). */
async function inspect(row: TopupRow, timeoutMs: number): Promise<Found> {
  const sigs = await getSignaturesForAddress(row.reference, { limit: 20, timeoutMs });
  let reason: string | null = null;
  const candidates = sigs.filter((s) => s.err === null || s.err === undefined).reverse();
  if (!candidates.length) return { row, reason };
  const expectation = await expectationFor(row, { timeoutMs });
  for (const s of candidates) {
    const tx = await getTransaction(s.signature, { timeoutMs });
    if (!tx) continue;
    const verdict = checkDeposit(tx, expectation);
    if (verdict.ok) return { row, signature: s.signature, verdict };
    reason = verdict.reason;
  }
  return { row, reason };
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  const out: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      try {
        out[i] = { status: "fulfilled", value: await fn(items[i]!) };
      } catch (reason) {
        out[i] = { status: "rejected", reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Runs fn in a savepoint of tx (PostgreSQL batch) so one failed credit does not abort the batch. */
async function inSavepoint<T>(tx: Queryable, fn: (q: Queryable) => Promise<T>): Promise<T> {
  await tx.query("SAVEPOINT reconcile_credit");
  try {
    const out = await fn(tx);
    await tx.query("RELEASE SAVEPOINT reconcile_credit");
    return out;
  } catch (err) {
    await tx.query("ROLLBACK TO SAVEPOINT reconcile_credit");
    throw err;
  }
}

async function settle(q: Queryable, found: Found, now: number, graceMs: number, report: ReconcileReport, run: <T>(fn: (q: Queryable) => Promise<T>) => Promise<T>) {
  const { row } = found;
  if ("signature" in found) {
    try {
      const r = await run((tx) => creditTopup(tx, row.id, found.signature, found.verdict));
      if (r.applied) {
        report.credited++;
        logger().info({ topupId: row.id, signature: found.signature }, "deposit credited by the reconciler");
      }
      lastLook.delete(row.id);
      return;
    } catch (err) {
      // Someone else credited this signature (another intent): this intent is still unpaid.
      logger().warn({ topupId: row.id, err: (err as Error).message }, "reconciler could not credit");
    }
  }
  if (now > new Date(row.expires_at).getTime() + graceMs) {
    const reason = ("reason" in found && found.reason) || "No payment arrived before this top-up expired.";
    const closed = await q.query("UPDATE topups SET status = 'expired', failure_reason = $2 WHERE id = $1 AND status = 'pending' RETURNING id", [row.id, reason]);
    if (closed.length) report.expired++;
    lastLook.delete(row.id);
  } else if ("reason" in found && found.reason && found.reason !== row.failure_reason) {
    await recordFailure(q, row.id, found.reason);
  }
}

/** One pass over the pending intents that are due for a look. */
export async function reconcileOnce(opts: ReconcilerOptions = {}): Promise<ReconcileReport> {
  const intervalMs = opts.intervalMs ?? 2000;
  const graceMs = opts.graceMs ?? RECENT_MS;
  const batchSize = opts.batchSize ?? 25;
  const timeoutMs = opts.rpcTimeoutMs ?? 4000;
  const report: ReconcileReport = { checked: 0, credited: 0, expired: 0, unreachable: 0 };
  const db = await getDb();
  const now = Date.now();
  const pending = await db.query<TopupRow>("SELECT * FROM topups WHERE status = 'pending' ORDER BY created_at DESC LIMIT 500");
  const live = new Set(pending.map((r) => r.id));
  for (const id of lastLook.keys()) if (!live.has(id)) lastLook.delete(id);
  const dueIds = pending.filter((r) => due(r, now, intervalMs, graceMs)).slice(0, batchSize).map((r) => r.id);
  if (!dueIds.length) return report;
  for (const id of dueIds) lastLook.set(id, now);

  const work = async (q: Queryable, rows: TopupRow[], run: <T>(fn: (q: Queryable) => Promise<T>) => Promise<T>) => {
    const results = await mapLimit(rows, CONCURRENCY, (r) => inspect(r, timeoutMs));
    for (const res of results) {
      if (res.status === "rejected") {
        report.unreachable++; // chain unreachable: look again next pass
        continue;
      }
      report.checked++;
      await settle(q, res.value, now, graceMs, report, run);
    }
  };
  await claimAndProcess(db, dueIds, work);
  return report;
}

async function claimAndProcess(
  db: DbHandle,
  ids: string[],
  work: (q: Queryable, rows: TopupRow[], run: <T>(fn: (q: Queryable) => Promise<T>) => Promise<T>) => Promise<void>,
) {
  const claimSql = "SELECT * FROM topups WHERE id = ANY($1::uuid[]) AND status = 'pending' FOR UPDATE SKIP LOCKED";
  if (db.kind === "postgres") {
    // Rows stay locked while their payments are looked up, so other instances skip them.
    await db.transaction(async (tx) => work(tx, await tx.query<TopupRow>(claimSql, [ids]), (fn) => inSavepoint(tx, fn)));
  } else {
    // Embedded PGlite is one process (its directory is locked); a transaction would block every query during RPC calls.
    await work(db, await db.query<TopupRow>(claimSql, [ids]), (fn) => db.transaction(fn));
  }
}

/** Starts the loop; stop() waits for a pass in progress, so shutdown never cuts a credit in half. */
export function startReconciler(opts: ReconcilerOptions = {}): { stop(): Promise<void> } {
  const intervalMs = opts.intervalMs ?? 2000;
  const log = logger();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let failures = 0;

  const loop = () => {
    if (stopped) return;
    running = reconcileOnce(opts)
      .then((r) => {
        if (r.unreachable === 0) return void (failures = 0);
        if (failures++ === 0) log.warn({ pending: r.unreachable }, "deposit reconciler cannot reach the Solana RPC; retrying");
      })
      .catch((err) => {
        // Log the first failure of a streak, not one line every two seconds.
        if (failures++ === 0) log.warn({ err: (err as Error).message }, "deposit reconciler pass failed");
      })
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, intervalMs).unref();
      });
  };
  timer = setTimeout(loop, intervalMs).unref();
  void checkTreasurySetup();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

/** Tells the operator at start when a configured token cannot be accepted. */
async function checkTreasurySetup() {
  const c = chainConfig();
  if (!c.treasury) return;
  for (const mint of [c.usdcMint, c.routerMint]) {
    if (!mint) continue;
    await treasuryTokenAccount(mint, c.treasury).catch((err: Error) => logger().warn({ mint, err: err.message }, "treasury token account check failed"));
  }
}
