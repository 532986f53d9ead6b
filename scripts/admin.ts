// Operator commands.
//   npm run admin -- credit <wallet> <usd> --reason "…"   balance adjustment (an `adjustment` ledger entry; negative debits)
//   npm run admin -- stats                                 totals: balances, prepaid usage, x402 payments, first-party usage
import { adjustBalance } from "@/lib/billing/ledger";
import { closeDb, getDb } from "@/lib/db";
import { formatUsd } from "@/lib/format";
import { parseUsdToMicro } from "@/lib/billing/money";
import { accountTotals } from "@/lib/billing/accounts-store";
import { usageByAuthKind } from "@/lib/usage/store";
import { paymentTotalsByStatus } from "@/lib/x402/payments";
import { isBase58Address } from "@/lib/solana/base58";

const USAGE = 'usage: npm run admin -- credit <wallet> <usd> --reason "why"\n       npm run admin -- stats';

async function credit(args: string[]) {
  const [wallet, usd, ...rest] = args;
  const reasonAt = rest.indexOf("--reason");
  const reason = reasonAt >= 0 ? rest.slice(reasonAt + 1).join(" ") : "";
  if (!wallet || !usd || !reason) throw new Error(USAGE);
  if (!isBase58Address(wallet)) throw new Error("wallet: must be a base58 Solana address");
  const micro = parseUsdToMicro(usd);
  if (micro === null) throw new Error("usd: must be a dollar amount like 5 or 12.50 (at most 6 decimals)");
  const r = await adjustBalance(wallet, micro, reason);
  console.log(
    `credited ${formatUsd(micro, { precise: true })} to ${wallet}; balance now ${formatUsd(r.balanceMicro, { precise: true })}`,
  );
}

async function stats() {
  const db = await getDb();
  const [a, usage, pay] = await Promise.all([accountTotals(db), usageByAuthKind(db), paymentTotalsByStatus(db)]);
  console.log(
    `accounts: ${a.accounts}, balances ${formatUsd(a.balanceMicro)} (held for calls in flight ${formatUsd(a.heldMicro)})`,
  );
  for (const u of usage)
    console.log(
      `${u.authKind.padEnd(4)} calls: ${u.calls} (${u.served} served), metered ${formatUsd(u.costMicro, { precise: true })}`,
    );
  for (const p of pay)
    console.log(`x402 payments ${p.status}: ${p.count}, ${formatUsd(p.amount, { precise: true })} USDC`);
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
