import "server-only";
import { getDb } from "@/lib/db";
import { AppError } from "@/lib/errors";

export interface AccountSummary {
  wallet: string;
  balanceMicro: bigint;
  lowBalanceThresholdMicro: bigint;
}

export async function getAccountSummary(accountId: string): Promise<AccountSummary> {
  const db = await getDb();
  const [row] = await db.query<{ wallet: string; balance_micro: string | bigint; low_balance_threshold_micro: string | bigint }>(
    "SELECT wallet, balance_micro, low_balance_threshold_micro FROM accounts WHERE id = $1",
    [accountId],
  );
  if (!row) throw new AppError("not_found", "Account not found.");
  return {
    wallet: row.wallet,
    balanceMicro: BigInt(row.balance_micro),
    lowBalanceThresholdMicro: BigInt(row.low_balance_threshold_micro),
  };
}
