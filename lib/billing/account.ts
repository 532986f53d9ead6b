import "server-only";
import { getDb } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { findAccount, type AccountRow } from "./accounts-store";

export type AccountSummary = AccountRow;

export async function getAccountSummary(accountId: string): Promise<AccountSummary> {
  const row = await findAccount(await getDb(), accountId);
  if (!row) throw new AppError("not_found", "Account not found.");
  return row;
}
