import "server-only";
import { getDb } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { findAccount, setLowBalanceThresholdMicro } from "@/lib/billing/accounts-store";

// The threshold is a column of accounts, so the billing store reads and writes it.

/** $1,000,000: far above any sensible alert level, and still exact as a JSON number. */
export const MAX_LOW_BALANCE_THRESHOLD_MICRO = 1_000_000_000_000n;

export interface LowBalanceSettings {
  lowBalanceThresholdMicro: bigint;
}

export async function getLowBalanceSettings(accountId: string): Promise<LowBalanceSettings> {
  const account = await findAccount(await getDb(), accountId);
  if (!account) throw new AppError("not_found", "Account not found.");
  return { lowBalanceThresholdMicro: account.lowBalanceThresholdMicro };
}

/** 0 turns the alert off: the banner shows only while balance < threshold. */
export async function setLowBalanceThreshold(accountId: string, thresholdMicro: bigint): Promise<LowBalanceSettings> {
  if (thresholdMicro < 0n || thresholdMicro > MAX_LOW_BALANCE_THRESHOLD_MICRO) {
    throw new AppError("invalid_request", "lowBalanceThresholdMicro: must be between 0 and 1000000000000.");
  }
  const stored = await setLowBalanceThresholdMicro(await getDb(), accountId, thresholdMicro);
  if (stored === null) throw new AppError("not_found", "Account not found.");
  return { lowBalanceThresholdMicro: stored };
}
