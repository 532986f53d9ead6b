// The chaos run's checks on one database (its own process: PGlite opens in one process only).
// Reads the deposits the run made (JSON file argv[2]) and prints one JSON verdict on stdout:
// the ledger check, each paid deposit credited exactly once within the window, and no hold left.
import fs from "node:fs";
import { getDb, closeDb } from "@/lib/db";
import { checkLedger } from "@/lib/billing/ledger-check";

type Deposit = { id: string; reference: string; signature: string; creditMicro: number; paidAt: number; how: string };
const { deposits, windowMs } = JSON.parse(fs.readFileSync(process.argv[2]!, "utf8")) as { deposits: Deposit[]; windowMs: number };

const db = await getDb();
const problems = (await checkLedger(db)).map((p) => `ledger: ${p}`);
let creditedMicro = 0n;
for (const d of deposits) {
  const [t] = await db.query<{ status: string; credited_at: Date | null; failure_reason: string | null }>("SELECT status, credited_at, failure_reason FROM topups WHERE id = $1", [d.id]);
  const [{ n }] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM ledger_entries WHERE kind = 'topup' AND meta->>'topupId' = $1", [d.id]);
  if (n !== 1) problems.push(`deposit ${d.how} ${d.id}: credited ${n} times (status ${t?.status}${t?.failure_reason ? `, "${t.failure_reason}"` : ""})`);
  else creditedMicro += BigInt(d.creditMicro);
  const late = t?.credited_at ? new Date(t.credited_at).getTime() - d.paidAt : Infinity;
  if (n === 1 && late > windowMs) problems.push(`deposit ${d.how} ${d.id}: credited ${Math.round(late / 1000)} s after payment (window ${windowMs / 1000} s)`);
}
const [sums] = await db.query<{ balance: string; topups: string; usage: string; holds: string; hold_rows: number }>(`
  SELECT (SELECT COALESCE(sum(balance_micro), 0) FROM accounts)::text AS balance,
    (SELECT COALESCE(sum(amount_micro), 0) FROM ledger_entries WHERE kind = 'topup')::text AS topups,
    (SELECT COALESCE(-sum(amount_micro), 0) FROM ledger_entries WHERE kind = 'usage')::text AS usage,
    (SELECT COALESCE(sum(amount_micro), 0) FROM balance_holds)::text AS holds,
    (SELECT count(*)::int FROM balance_holds) AS hold_rows`);
const [balance, topups, usage] = [sums!.balance, sums!.topups, sums!.usage].map(BigInt);
if (balance !== topups - usage) problems.push(`Σ balances ${balance} != Σ deposits ${topups} − Σ usage ${usage}`);
if (sums!.hold_rows > 0) problems.push(`${sums!.hold_rows} hold row(s) holding ${sums!.holds} µ$ left after every instance stopped or died`);
await closeDb();
console.log(JSON.stringify({ problems, balanceMicro: balance.toString(), depositsMicro: topups.toString(), usageMicro: usage.toString(), creditedChecked: creditedMicro.toString(), holdRows: sums!.hold_rows }));
