import "server-only";
import { sql } from "drizzle-orm";
import { getDb, type Queryable } from "@/lib/db";
import { isAppError } from "@/lib/errors";
import { logger } from "@/lib/log";
import { chainConfig } from "@/lib/solana/config";
import { treasuryTokenAccount } from "@/lib/solana/mints";
import { ALREADY_CREDITED, scanReference, type ScanResult } from "./deposit-scan";
import { creditTopup } from "./topup-credit";
import type { TopupRow } from "./topups";
import { claimDueLane, claimSeenLane, expireTopup, scheduleNextCheck } from "./topups-store";

// Credits deposits nobody confirmed (a closed tab, a phone wallet paying the QR code) by asking
// the chain for every transaction that carries each pending intent's reference. Several
// instances can share one PostgreSQL: each claims its batch with FOR UPDATE SKIP LOCKED, and
// crediting is idempotent anyway. Intents are marked expired only after a full scan past expiry
// finds no payment.

export interface ReconcilerOptions {
  intervalMs?: number;
  /** Intents looked at per pass in each lane (seen, then due). */
  batchSize?: number;
  /** How long after expiry a payment sent in time may still show up before the intent is closed. */
  graceMs?: number;
  rpcTimeoutMs?: number;
  /** Wait after the first look that found nothing; it doubles with each such look, up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Signatures per page and transactions fetched per intent per pass (see deposit-scan). */
  pageSize?: number;
  maxFetches?: number;
  /** The pass's clock, for tests that count passes instead of waiting. */
  now?: number;
}

export interface ReconcileReport {
  checked: number;
  credited: number;
  expired: number;
  /** Intents whose payments could not be looked up (RPC unreachable): looked at again next pass. */
  unreachable: number;
}

type Run = <T>(fn: (q: Queryable) => Promise<T>) => Promise<T>;
type Settings = Required<Omit<ReconcilerOptions, "now">> & { now: number };

const CONCURRENCY = 8;
const NO_PAYMENT = "No payment arrived before this top-up expired.";

// Lane 1: intents whose reference has signatures still to judge (or a payment that could not be
// credited yet): looked at first, every pass. Lane 2: the rest, oldest due first, each backing off
// after empty looks. Neither lane takes the newest first, so a flood of fresh intents queues
// behind older ones instead of starving them, and each lane has its own batch. A paid intent in
// the due lane is therefore looked at within maxBackoffMs of its last look plus one turn through
// the intents due before it (open intents / batchSize passes; at most 5 per account, see topups.ts).
// The lanes are claimSeenLane and claimDueLane in topups-store.ts.

// Failures are logged when they change, not every pass: the last failure logged per intent.
const lastLogged = new Map<string, string>();
function logOnce(id: string, line: string, why: string, fields: Record<string, unknown> = {}) {
  if (lastLogged.get(id) === `${line}: ${why}`) return;
  if (lastLogged.size > 10_000) lastLogged.clear();
  lastLogged.set(id, `${line}: ${why}`);
  logger().warn({ topupId: id, err: why, ...fields }, line);
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
  await tx.rows(sql`SAVEPOINT reconcile_credit`);
  try {
    const out = await fn(tx);
    await tx.rows(sql`RELEASE SAVEPOINT reconcile_credit`);
    return out;
  } catch (err) {
    await tx.rows(sql`ROLLBACK TO SAVEPOINT reconcile_credit`);
    throw err;
  }
}

/** Credits the payment the scan found; a refusal is final for that signature, so the scan moves past it. */
async function tryCredit(
  row: TopupRow,
  scan: ScanResult,
  run: Run,
  report: ReconcileReport,
): Promise<ScanResult | null> {
  const { signature, verdict } = scan.payment!;
  try {
    const r = await run((tx) => creditTopup(tx, row.id, signature, verdict));
    if (r.applied) {
      report.credited++;
      logger().info({ topupId: row.id, signature }, "deposit credited by the reconciler");
    }
    lastLogged.delete(row.id);
    return null;
  } catch (err) {
    const refused = isAppError(err) || (err as { code?: string })?.code === "23505";
    // Another intent holds this signature: this one is still unpaid. Logged once, as the cursor moves on.
    logOnce(row.id, "reconciler could not credit", (err as Error).message, { signature });
    if (!refused) return { ...scan, payment: null, complete: false, fresh: true };
    return { ...scan, payment: null, cursor: signature, reason: (err as Error).message, complete: false, fresh: true };
  }
}

async function settle(q: Queryable, row: TopupRow, found: ScanResult, s: Settings, report: ReconcileReport, run: Run) {
  let scan: ScanResult | null = found;
  if (scan.payment) scan = await tryCredit(row, scan, run, report);
  if (!scan) return;
  // A payment credited to another intent, found by the scan before any attempt: the same failure.
  if (scan.reason === ALREADY_CREDITED && row.failure_reason !== ALREADY_CREDITED)
    logOnce(row.id, "reconciler could not credit", scan.reason);
  const closesAt = new Date(row.expires_at).getTime() + s.graceMs;
  // Closed only once every signature naming the reference, up to now, was judged and none paid.
  if (scan.complete && s.now > closesAt) {
    if (await expireTopup(q, row.id, scan.reason ?? row.failure_reason ?? NO_PAYMENT)) report.expired++;
    lastLogged.delete(row.id);
    return;
  }
  const attempts = scan.fresh ? 0 : row.check_attempts + 1;
  const wait = Math.min(s.backoffMs * 2 ** Math.min(Math.max(attempts - 1, 0), 20), s.maxBackoffMs);
  // Looked at again right after expiry plus grace at the latest, for the closing scan.
  const next = scan.complete ? Math.min(s.now + wait, closesAt + 1) : s.now;
  await scheduleNextCheck(q, row.id, {
    cursor: scan.cursor,
    reason: scan.reason,
    attempts,
    nextCheckAt: new Date(next),
    complete: scan.complete,
    now: new Date(s.now),
  });
}

function settings(opts: ReconcilerOptions): Settings {
  const intervalMs = opts.intervalMs ?? 2000;
  return {
    intervalMs,
    batchSize: opts.batchSize ?? 25,
    graceMs: opts.graceMs ?? 2 * 60 * 1000,
    rpcTimeoutMs: opts.rpcTimeoutMs ?? 4000,
    backoffMs: opts.backoffMs ?? intervalMs,
    maxBackoffMs: opts.maxBackoffMs ?? 8_000,
    pageSize: opts.pageSize ?? 1000,
    maxFetches: opts.maxFetches ?? 50,
    now: opts.now ?? Date.now(),
  };
}

/** One pass: the seen lane, then the due lane. */
export async function reconcileOnce(opts: ReconcilerOptions = {}): Promise<ReconcileReport> {
  const s = settings(opts);
  const report: ReconcileReport = { checked: 0, credited: 0, expired: 0, unreachable: 0 };
  const db = await getDb();
  const work = async (q: Queryable, run: Run) => {
    const rows = [...(await claimSeenLane(q, s.batchSize)), ...(await claimDueLane(q, s.batchSize, new Date(s.now)))];
    const scanOpts = { timeoutMs: s.rpcTimeoutMs, pageSize: s.pageSize, maxFetches: s.maxFetches };
    const results = await mapLimit(rows, CONCURRENCY, (r) => scanReference(q, r, scanOpts));
    for (const [i, res] of results.entries()) {
      if (res.status === "rejected") {
        report.unreachable++; // chain unreachable: look again next pass
        continue;
      }
      report.checked++;
      await settle(q, rows[i]!, res.value, s, report, run);
    }
  };
  if (db.kind === "postgres") {
    // Rows stay locked while their payments are looked up, so other instances skip them.
    await db.transaction((tx) => work(tx, (fn) => inSavepoint(tx, fn)));
  } else {
    // Embedded PGlite is one process (its directory is locked); a transaction would block every query during RPC calls.
    await work(db, (fn) => db.transaction(fn));
  }
  return report;
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
        if (failures++ === 0)
          log.warn({ pending: r.unreachable }, "deposit reconciler cannot reach the Solana RPC; retrying");
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
    await treasuryTokenAccount(mint, c.treasury).catch((err: Error) =>
      logger().warn({ mint, err: err.message }, "treasury token account check failed"),
    );
  }
}
