import "server-only";
import { getAssociatedTokenAddressSync, TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID } from "@/lib/solana/spl";
import { PublicKey } from "@solana/web3.js";
import bs58 from "bs58";
import { env } from "@/lib/env";
import { ensurePart } from "@/lib/runtime";
import { getAccount } from "./rpc";

export interface TokenAccountInfo {
  mint: string;
  /** The token program that owns the mint (classic Token or Token-2022). */
  programId: string;
  decimals: number;
  /** The treasury's associated token account for this mint. */
  treasuryTokenAccount: string;
}

/** The mint or the treasury's token account is not usable: top-ups in this token must be refused. */
export class TokenSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TokenSetupError";
  }
}

const TOKEN_PROGRAMS = new Set([TOKEN_PROGRAM_ID.toBase58(), TOKEN_2022_PROGRAM_ID.toBase58()]);
// Mint layout: authority option (4) + authority (32) + supply (8), then decimals and isInitialized.
const MINT_DECIMALS_OFFSET = 44;
const MINT_INITIALIZED_OFFSET = 45;
// Token account layout: mint (32), owner (32), amount (8), …, state at 108 (1 = initialized).
const ACCOUNT_STATE_OFFSET = 108;

// Mints and an existing token account do not change; one lookup per process is enough.
function cache(): Map<string, TokenAccountInfo> {
  return ensurePart("treasuryTokenAccounts", () => new Map());
}

export function treasuryTokenAccountAddress(treasury: string, mint: string, programId: string): string {
  return getAssociatedTokenAddressSync(
    new PublicKey(mint),
    new PublicKey(treasury),
    true,
    new PublicKey(programId),
  ).toBase58();
}

/**
 * The mint's program and decimals and the treasury's token account for it, checked on chain.
 * The treasury's account must already exist: payers never pay rent for it, so a missing one is
 * an operator error and top-ups are refused until it is created. Throws RpcUnavailableError
 * when the chain cannot be read.
 */
export async function treasuryTokenAccount(
  mint: string,
  treasury: string,
  opts: { timeoutMs?: number } = {},
): Promise<TokenAccountInfo> {
  const key = `${env().rpcUrl}|${treasury}|${mint}`;
  const hit = cache().get(key);
  if (hit) return hit;
  const mintAccount = await getAccount(mint, opts);
  if (
    !mintAccount ||
    !TOKEN_PROGRAMS.has(mintAccount.owner) ||
    mintAccount.data.length < 82 ||
    mintAccount.data[MINT_INITIALIZED_OFFSET] !== 1
  ) {
    throw new TokenSetupError(`The configured mint ${mint} is not a token mint on this cluster.`);
  }
  const programId = mintAccount.owner;
  const decimals = mintAccount.data[MINT_DECIMALS_OFFSET]!;
  const address = treasuryTokenAccountAddress(treasury, mint, programId);
  const account = await getAccount(address, opts);
  const valid =
    account &&
    account.owner === programId &&
    account.data.length >= 165 &&
    bs58.encode(account.data.subarray(0, 32)) === mint &&
    bs58.encode(account.data.subarray(32, 64)) === treasury &&
    account.data[ACCOUNT_STATE_OFFSET] === 1;
  if (!valid) {
    throw new TokenSetupError(
      `The treasury ${treasury} has no token account for mint ${mint} (expected ${address}). The operator must create it before top-ups in this token are accepted.`,
    );
  }
  const info = { mint, programId, decimals, treasuryTokenAccount: address };
  cache().set(key, info);
  return info;
}

/** What is known without asking the chain (for listings while the RPC is down). */
export function cachedTreasuryTokenAccount(mint: string, treasury: string): TokenAccountInfo | undefined {
  return cache().get(`${env().rpcUrl}|${treasury}|${mint}`);
}
