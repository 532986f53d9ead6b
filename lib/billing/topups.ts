import "server-only";
import { randomUUID } from "node:crypto";
import { Keypair } from "@solana/web3.js";
import { getDb, type Queryable } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/log";
import { formatUsd } from "@/lib/format";
import { chainConfig } from "@/lib/solana/config";
import { explorerTxUrl } from "@/lib/solana/explorer";
import {
  cachedTreasuryTokenAccount,
  TokenSetupError,
  treasuryTokenAccount,
  type TokenAccountInfo,
} from "@/lib/solana/mints";
import { RpcResponseError, RpcUnavailableError } from "@/lib/solana/rpc";
import { formatBaseUnits, tokenAmountForCredit } from "@/lib/solana/token-amount";
import type { DepositExpectation } from "./deposit-verify";
import { priceUsdFor, type TopupToken } from "./price-source";
import { lockAccount } from "./accounts-store";
import { countOpenTopups, findOwnedTopup, insertTopup, listTopupRows, type TopupRow } from "./topups-store";

export type { TopupRow };

import { MAX_TOPUP_MICRO, MIN_TOPUP_MICRO } from "./limits";
export { MAX_TOPUP_MICRO, MIN_TOPUP_MICRO };
/** How long an intent's amount (and for $ROUTER, its price) holds. */
export const TOPUP_TTL_MS = 10 * 60 * 1000;
/**
 * Unexpired pending intents one account may hold. The dashboard needs one at a time (two when a
 * user switches token or opens a second tab); 5 leaves room for that and retries, while the
 * reconciler's work per account stays small: every open intent costs it a chain lookup per look.
 */
export const MAX_OPEN_TOPUPS = 5;

/** The contract's `topup` object. */
export interface TopupView {
  id: string;
  token: TopupToken;
  mint: string;
  decimals: number;
  amount: string;
  creditMicro: bigint;
  priceUsd: string;
  payTo: string | null;
  payToTokenAccount: string | null;
  /** The mint's token program (Token or Token-2022), which the transfer instruction must use. */
  tokenProgram: string | null;
  reference: string;
  memo: string;
  expiresAt: string;
  solanaPayUrl: string | null;
  status: TopupRow["status"];
  signature: string | null;
  explorerUrl: string | null;
  failureReason: string | null;
  createdAt: string;
  creditedAt: string | null;
}

const iso = (d: Date | string) => new Date(d).toISOString();

/** solana: transfer-request URL (Solana Pay) for a phone wallet to pay the intent. */
export function solanaPayUrl(row: TopupRow, treasury: string): string {
  const q = [
    ["amount", formatBaseUnits(BigInt(row.amount), row.decimals)],
    ["spl-token", row.mint],
    ["reference", row.reference],
    ["label", "Solrouter"],
    ["message", `Top up ${formatUsd(BigInt(row.credit_micro))} of Solrouter credit`],
    ["memo", row.memo],
  ];
  return `solana:${treasury}?${q.map(([k, v]) => `${k}=${encodeURIComponent(v!)}`).join("&")}`;
}

export function toView(row: TopupRow): TopupView {
  const c = chainConfig();
  const ata = c.treasury ? cachedTreasuryTokenAccount(row.mint, c.treasury) : undefined;
  return {
    id: row.id,
    token: row.token,
    mint: row.mint,
    decimals: row.decimals,
    amount: BigInt(row.amount).toString(),
    creditMicro: BigInt(row.credit_micro),
    priceUsd: row.price_usd,
    payTo: c.treasury,
    payToTokenAccount: ata?.treasuryTokenAccount ?? null,
    tokenProgram: ata?.programId ?? null,
    reference: row.reference,
    memo: row.memo,
    expiresAt: iso(row.expires_at),
    solanaPayUrl: c.treasury ? solanaPayUrl(row, c.treasury) : null,
    status: row.status,
    signature: row.signature,
    explorerUrl: row.signature ? explorerTxUrl(row.signature, c.cluster, c.rpcUrl) : null,
    failureReason: row.failure_reason,
    createdAt: iso(row.created_at),
    creditedAt: row.credited_at ? iso(row.credited_at) : null,
  };
}

/** Turns chain trouble into the contract's errors; the operator's details go to the log only. */
export function chainError(err: unknown, token?: string): never {
  if (err instanceof RpcUnavailableError || err instanceof RpcResponseError) {
    logger().warn({ err: err.message }, "solana rpc unavailable");
    throw new AppError(
      "unavailable",
      "The Solana network can't be reached right now. Nothing was lost; please try again in a moment.",
      {
        retryAfterSeconds: 2,
      },
    );
  }
  if (err instanceof TokenSetupError) {
    logger().error({ err: err.message }, "treasury token setup");
    throw new AppError(
      "unavailable",
      `Top-ups in ${token ?? "this token"} are not available right now: the treasury is not set up for it.`,
    );
  }
  throw err;
}

function tokenSetup(token: TopupToken): { mint: string; treasury: string } {
  const c = chainConfig();
  const mint = token === "USDC" ? c.usdcMint : c.routerMint;
  if (!mint && token === "ROUTER")
    throw new AppError("invalid_request", "$ROUTER top-ups are not offered on this server.");
  if (!mint || !c.treasury) {
    logger().error({ token, mint, treasury: c.treasury }, "top-ups need USDC_MINT/ROUTER_MINT and TREASURY_ADDRESS");
    throw new AppError("unavailable", "Top-ups are not set up on this server yet.");
  }
  return { mint, treasury: c.treasury };
}

/** The treasury's token account for an intent's mint (cached after the first look). */
export async function tokenAccountFor(
  token: TopupToken,
  mint: string,
  opts: { timeoutMs?: number } = {},
): Promise<TokenAccountInfo> {
  const treasury = chainConfig().treasury;
  if (!treasury) throw new AppError("unavailable", "Top-ups are not set up on this server yet.");
  return treasuryTokenAccount(mint, treasury, opts).catch((err) => chainError(err, token));
}

export async function expectationFor(row: TopupRow, opts: { timeoutMs?: number } = {}): Promise<DepositExpectation> {
  const ata = await tokenAccountFor(row.token, row.mint, opts);
  return {
    token: row.token === "ROUTER" ? "$ROUTER" : "USDC",
    reference: row.reference,
    mint: row.mint,
    decimals: row.decimals,
    treasuryTokenAccount: ata.treasuryTokenAccount,
    amount: BigInt(row.amount),
    expiresAt: new Date(row.expires_at),
  };
}

/** Refuses a new intent past MAX_OPEN_TOPUPS; the account row is locked so concurrent creates count each other. */
async function refuseOverOpenCap(tx: Queryable, accountId: string, now: Date): Promise<void> {
  await lockAccount(tx, accountId);
  const open = await countOpenTopups(tx, accountId, now);
  if (open >= MAX_OPEN_TOPUPS) {
    throw new AppError(
      "too_many_topups",
      `You have ${MAX_OPEN_TOPUPS} unpaid top-ups open. Pay one of them, or wait until one expires (${TOPUP_TTL_MS / 60_000} minutes after it was created).`,
    );
  }
}

export async function createTopup(
  accountId: string,
  input: { token: TopupToken; creditMicro: bigint },
  now = new Date(),
): Promise<TopupView> {
  if (input.creditMicro < MIN_TOPUP_MICRO || input.creditMicro > MAX_TOPUP_MICRO) {
    throw new AppError("invalid_request", "creditMicro: a top-up must be between $1.00 and $10,000.00.");
  }
  const { mint } = tokenSetup(input.token);
  const ata = await tokenAccountFor(input.token, mint);
  const priceUsd = await priceUsdFor(input.token);
  const amount = tokenAmountForCredit(input.creditMicro, priceUsd, ata.decimals);
  const id = randomUUID();
  const db = await getDb();
  const row = await db.transaction(async (tx) => {
    await refuseOverOpenCap(tx, accountId, now);
    return insertTopup(tx, {
      id,
      accountId,
      token: input.token,
      mint,
      decimals: ata.decimals,
      amount,
      creditMicro: input.creditMicro,
      priceUsd,
      // A fresh key nobody holds: it only marks transactions as paying this intent.
      reference: Keypair.generate().publicKey.toBase58(),
      memo: `solrouter:topup:${id}`,
      expiresAt: new Date(now.getTime() + TOPUP_TTL_MS),
      now,
    });
  });
  return toView(row);
}

export async function listTopups(accountId: string, limit = 50): Promise<TopupView[]> {
  const db = await getDb();
  const rows = await listTopupRows(db, accountId, limit);
  // Warm the token-account cache so pending intents carry payToTokenAccount; the list works without the chain.
  const treasury = chainConfig().treasury;
  if (treasury) {
    const mints = new Set(rows.filter((r) => r.status === "pending").map((r) => r.mint));
    await Promise.all([...mints].map((m) => treasuryTokenAccount(m, treasury, { timeoutMs: 1500 }).catch(() => null)));
  }
  return rows.map(toView);
}

export async function ownedTopup(q: Queryable, accountId: string, id: string): Promise<TopupRow> {
  const row = await findOwnedTopup(q, accountId, id);
  if (!row) throw new AppError("not_found", "Top-up not found.");
  return row;
}
