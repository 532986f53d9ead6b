// `npm run admin -- credit <wallet> <usd> --reason "…"`: operator balance adjustment (an
// `adjustment` ledger entry). A negative amount debits.
import { adjustBalance } from "@/lib/billing/ledger";
import { closeDb } from "@/lib/db";
import { formatUsd } from "@/lib/format";
import { parseUsdToMicro } from "@/lib/billing/money";

const [cmd, wallet, usd, ...rest] = process.argv.slice(2);
const reasonAt = rest.indexOf("--reason");
const reason = reasonAt >= 0 ? rest.slice(reasonAt + 1).join(" ") : "";
if (cmd !== "credit" || !wallet || !usd || !reason) {
  console.error('usage: npm run admin -- credit <wallet> <usd> --reason "why"');
  process.exit(2);
}
if (!/^[1-9A-HJ-NP-Za-km-z]{32,44}$/.test(wallet)) {
  console.error("wallet: must be a base58 Solana address");
  process.exit(2);
}
const micro = parseUsdToMicro(usd);
if (micro === null) {
  console.error("usd: must be a dollar amount like 5 or 12.50 (at most 6 decimals)");
  process.exit(2);
}
try {
  const r = await adjustBalance(wallet, micro, reason);
  console.log(`credited ${formatUsd(micro, { precise: true })} to ${wallet}; balance now ${formatUsd(r.balanceMicro, { precise: true })}`);
} catch (err) {
  console.error(`failed: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await closeDb();
}
