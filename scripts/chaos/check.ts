// The chaos run's checks on one database (its own process: PGlite opens in one process only).
// Reads the deposits the run made (JSON file argv[2]) and prints one JSON verdict on stdout:
// the ledger check, each paid deposit credited exactly once within the window, and no hold left.
import fs from "node:fs";
import { getDb, closeDb } from "@/lib/db";
import { checkLedger, liveHolds } from "@/lib/billing/ledger-check";
import { accountTotals, countTopupEntries, ledgerSumByKind } from "@/lib/billing/accounts-store";
import { findTopup } from "@/lib/billing/topups-store";

type Deposit = { id: string; reference: string; signature: string; creditMicro: number; paidAt: number; how: string };
const { deposits, windowMs } = JSON.parse(fs.readFileSync(process.argv[2]!, "utf8")) as {
  deposits: Deposit[];
  windowMs: number;
};

const db = await getDb();
const problems = (await checkLedger(db)).map((p) => `ledger: ${p}`);
let creditedMicro = 0n;
for (const d of deposits) {
  const t = await findTopup(db, d.id);
  const n = await countTopupEntries(db, d.id);
  if (n !== 1)
    problems.push(
      `deposit ${d.how} ${d.id}: credited ${n} times (status ${t?.status}${t?.failure_reason ? `, "${t.failure_reason}"` : ""})`,
    );
  else creditedMicro += BigInt(d.creditMicro);
  const late = t?.credited_at ? new Date(t.credited_at).getTime() - d.paidAt : Infinity;
  if (n === 1 && late > windowMs)
    problems.push(
      `deposit ${d.how} ${d.id}: credited ${Math.round(late / 1000)} s after payment (window ${windowMs / 1000} s)`,
    );
}
const [balance, topups, usage, holds] = await Promise.all([
  accountTotals(db).then((t) => t.balanceMicro),
  ledgerSumByKind(db, "topup"),
  ledgerSumByKind(db, "usage").then((s) => -s),
  liveHolds(db),
]);
if (balance !== topups - usage) problems.push(`Σ balances ${balance} != Σ deposits ${topups} − Σ usage ${usage}`);
if (holds.rows > 0)
  problems.push(`${holds.rows} hold row(s) holding ${holds.amountMicro} µ$ left after every instance stopped or died`);
await closeDb();
console.log(
  JSON.stringify({
    problems,
    balanceMicro: balance.toString(),
    depositsMicro: topups.toString(),
    usageMicro: usage.toString(),
    creditedChecked: creditedMicro.toString(),
    holdRows: holds.rows,
  }),
);
