// Operator commands.
//   npm run admin -- credit <wallet> <usd> --reason "…"   balance adjustment (an `adjustment` ledger entry; negative debits)
//   npm run admin -- stats                                 totals: balances, prepaid usage, x402 payments, first-party usage
import { adjustBalance } from "@/lib/billing/ledger";
import { closeDb, getDb } from "@/lib/db";
import { formatUsd } from "@/lib/format";
import { parseUsdToMicro } from "@/lib/billing/money";

const USAGE = 'usage: npm run admin -- credit <wallet> <usd> --reason "why"\n       npm run admin -- stats';

async function credit(args: string[]) {
  const [wallet, usd, ...rest] = args;
  const reasonAt = rest.indexOf("--reason");
  const reason = reasonAt >= 0 ? rest.slice(reasonAt + 1).join(" ") : "";
  if (!wallet || !usd || !reason) throw new Error(USAGE);
  if (!/^[1-9A-HJ-NP-Za-km-z]{32,44}$/.test(wallet)) throw new Error("wallet: must be a base58 Solana address");
  const micro = parseUsdToMicro(usd);
  if (micro === null) throw new Error("usd: must be a dollar amount like 5 or 12.50 (at most 6 decimals)");
  const r = await adjustBalance(wallet, micro, reason);
  console.log(`credited ${formatUsd(micro, { precise: true })} to ${wallet}; balance now ${formatUsd(r.balanceMicro, { precise: true })}`);
}

async function stats() {
  const db = await getDb();
  const [a] = await db.query<{ n: string; bal: string; held: string }>("SELECT count(*) AS n, COALESCE(sum(balance_micro),0) AS bal, COALESCE(sum(held_micro),0) AS held FROM accounts");
  const usage = await db.query<{ auth_kind: string; calls: string; served: string; cost: string }>(
    "SELECT auth_kind, count(*) AS calls, count(*) FILTER (WHERE status = 200) AS served, COALESCE(sum(cost_micro),0) AS cost FROM usage_events GROUP BY auth_kind ORDER BY auth_kind",
  );
  const pay = await db.query<{ status: string; n: string; amount: string }>("SELECT status, count(*) AS n, COALESCE(sum(amount),0) AS amount FROM x402_payments GROUP BY status ORDER BY status");
  console.log(`accounts: ${a!.n}, balances ${formatUsd(BigInt(a!.bal))} (held for calls in flight ${formatUsd(BigInt(a!.held))})`);
  for (const u of usage) console.log(`${u.auth_kind.padEnd(4)} calls: ${u.calls} (${u.served} served), metered ${formatUsd(BigInt(u.cost), { precise: true })}`);
  for (const p of pay) console.log(`x402 payments ${p.status}: ${p.n}, ${formatUsd(BigInt(p.amount), { precise: true })} USDC`);
}

const [cmd, ...args] = process.argv.slice(2);
try {
  if (cmd === "credit") await credit(args);
  else if (cmd === "stats") await stats();
  else throw new Error(USAGE);
} catch (err) {
  console.error((err as Error).message);
  process.exitCode = 2;
} finally {
  await closeDb();
}
