// `npm run ledger:check`: verifies the money invariants for every account; exits 1 on any violation.
import { getDb, closeDb } from "@/lib/db";
import { checkLedger } from "@/lib/billing/ledger-check";
import { countAccounts } from "@/lib/billing/accounts-store";

const db = await getDb();
const problems = await checkLedger(db);
const n = await countAccounts(db);
await closeDb();
if (problems.length) {
  console.error(`ledger check FAILED (${problems.length} problem(s) across ${n} accounts):`);
  for (const p of problems) console.error(`  - ${p}`);
  process.exit(1);
}
console.log(`ledger check passed: ${n} accounts, balance = Σ entries, usage costs = usage entries, holds consistent`);
