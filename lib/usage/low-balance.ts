import "server-only";
import { getDb } from "@/lib/db";
import { AppError } from "@/lib/errors";

/** $1,000,000: far above any sensible alert level, and still exact as a JSON number. */
export const MAX_LOW_BALANCE_THRESHOLD_MICRO = 1_000_000_000_000n;

export interface LowBalanceSettings {
  lowBalanceThresholdMicro: bigint;
}

export async function getLowBalanceSettings(accountId: string): Promise<LowBalanceSettings> {
  const db = await getDb();
  const [row] = await db.query<{ t: string }>("SELECT low_balance_threshold_micro::text AS t FROM accounts WHERE id = $1", [accountId]);
  if (!row) throw new AppError("not_found", "Account not found.");
  return { lowBalanceThresholdMicro: BigInt(row.t) };
}

/** 0 turns the alert off: the banner shows only while balance < threshold. */
export async function setLowBalanceThreshold(accountId: string, thresholdMicro: bigint): Promise<LowBalanceSettings> {
  if (thresholdMicro < 0n || thresholdMicro > MAX_LOW_BALANCE_THRESHOLD_MICRO) {
    throw new AppError("invalid_request", "lowBalanceThresholdMicro: must be between 0 and 1000000000000.");
  }
  const db = await getDb();
  const [row] = await db.query<{ t: string }>(
    "UPDATE accounts SET low_balance_threshold_micro = $2 WHERE id = $1 RETURNING low_balance_threshold_micro::text AS t",
    [accountId, thresholdMicro.toString()],
  );
  if (!row) throw new AppError("not_found", "Account not found.");
  return { lowBalanceThresholdMicro: BigInt(row.t) };
}
