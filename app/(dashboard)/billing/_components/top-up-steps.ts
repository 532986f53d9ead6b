"use client";
import type { Connection, PublicKey, Transaction } from "@solana/web3.js";
import { PublicKey as Key } from "@solana/web3.js";
import type { WalletContextState } from "@solana/wallet-adapter-react";
import { ApiError } from "@/components/api";
import { errorMessage } from "@/components/ui/alert";
import { buildTopupTransaction } from "@solrouter/sdk/topup";
import { displayTokenAmount } from "@/lib/solana/token-amount";
import {
  confirmTopup,
  createTopup,
  TOKEN_LABEL,
  type ChainInfo,
  type ConfirmAnswer,
  type TokenSymbol,
  type Topup,
} from "./billing-api";
import { tokenBalance, tokenProgramOf } from "./chain-reads";
import { FEE_RESERVE_LAMPORTS, mintOf, TOKEN_DECIMALS, tokenUnitsFor } from "./top-up-amount";
import { describeSendError, describeWalletError, isRejection, type Failure } from "./top-up-errors";

// The phases of a browser top-up, one function each. A step that cannot go on throws a
// StepFailure naming the phase it stopped in; the hook turns that into the failed state.

export type Phase = "idle" | "preparing" | "signing" | "sending" | "confirming" | "credited" | "failed";

export class StepFailure extends Error {
  constructor(
    readonly failedAt: Phase,
    readonly failure: Failure,
  ) {
    super(failure.title);
  }
}

const stop = (failedAt: Phase, title: string, message: string, retry = true): never => {
  throw new StepFailure(failedAt, { title, message, retry });
};

// Never start signing an intent that could expire before the transaction lands.
const MIN_INTENT_LIFE_MS = 2 * 60_000;

export function checkSigner(publicKey: PublicKey | null, sessionWallet: string): PublicKey {
  if (!publicKey)
    return stop("preparing", "Connect your wallet", "Connect the wallet you signed in with to pay from it.", false);
  if (publicKey.toBase58() !== sessionWallet)
    stop(
      "preparing",
      "Wrong wallet",
      "The connected wallet is not the one you signed in with. Switch accounts in your wallet, then try again.",
    );
  return publicKey;
}

/** Token and SOL balances against what the payment needs; `need` is in the token's base units. */
async function checkBalances(
  connection: Connection,
  owner: PublicKey,
  mint: string,
  program: PublicKey,
  token: TokenSymbol,
  need: bigint,
) {
  const label = TOKEN_LABEL[token];
  let lamports: number, have: bigint;
  try {
    [lamports, have] = await Promise.all([
      connection.getBalance(owner),
      tokenBalance(connection, owner, mint, program),
    ]);
  } catch {
    return stop(
      "preparing",
      "The Solana network is not answering",
      "We could not read your wallet's balance. Check your connection and try again.",
    );
  }
  if (have < need) {
    const [n, h] = [need, have].map((v) => `${displayTokenAmount(v, TOKEN_DECIMALS)} ${label}`);
    stop(
      "preparing",
      `Not enough ${label}`,
      `This top-up needs ${n}, and your wallet holds ${h}. Add ${label} to your wallet, then try again.`,
    );
  }
  if (lamports < FEE_RESERVE_LAMPORTS)
    stop(
      "preparing",
      "No SOL for the network fee",
      "Your wallet needs a little SOL (about 0.00001 SOL) to pay the network fee. Add some SOL, then try again.",
    );
}

/** Before any intent exists: an empty wallet must not leave a "Pending" row in the history. */
export async function checkFundsAhead(
  connection: Connection,
  owner: PublicKey,
  chain: ChainInfo,
  token: TokenSymbol,
  creditMicro: number,
) {
  const mint = mintOf(chain, token);
  if (!mint) return;
  let program: PublicKey | null;
  try {
    program = await tokenProgramOf(connection, mint);
  } catch {
    return stop(
      "preparing",
      "The Solana network is not answering",
      "We could not read your wallet's balance. Check your connection and try again.",
    );
  }
  if (program) await checkBalances(connection, owner, mint, program, token, tokenUnitsFor(chain, token, creditMicro));
}

/** A fresh intent, or the unpaid one from the last attempt while it has time left. */
export async function openIntent(input: { token: TokenSymbol; creditMicro: number }, reuse?: Topup): Promise<Topup> {
  if (reuse && reuse.status === "pending" && Date.parse(reuse.expiresAt) - Date.now() > MIN_INTENT_LIFE_MS)
    return reuse;
  try {
    return await createTopup(input.token, input.creditMicro);
  } catch (err) {
    return stop("preparing", "Could not start the top-up", errorMessage(err));
  }
}

/** The exact amount the intent locked, checked again now that it is known. */
export async function checkIntentFunds(connection: Connection, owner: PublicKey, topup: Topup): Promise<PublicKey> {
  if (!topup.payToTokenAccount || !topup.tokenProgram)
    stop(
      "preparing",
      "The network is not answering",
      "We could not look up the treasury's account. Please try again in a moment.",
    );
  const program = new Key(topup.tokenProgram!);
  await checkBalances(connection, owner, topup.mint, program, topup.token, BigInt(topup.amount));
  return program;
}

export type Blockhash = { blockhash: string; lastValidBlockHeight: number };

export async function buildTransaction(connection: Connection, owner: PublicKey, topup: Topup, program: PublicKey) {
  let blockhash: Blockhash;
  try {
    blockhash = await connection.getLatestBlockhash("confirmed");
  } catch {
    return stop(
      "signing",
      "The Solana network is not answering",
      "Check your connection and try again. Nothing was sent.",
    );
  }
  const tx = buildTopupTransaction(
    owner,
    { ...topup, payToTokenAccount: topup.payToTokenAccount! },
    program,
    blockhash,
  );
  return { tx, blockhash };
}

type Signer = Pick<WalletContextState, "signTransaction" | "sendTransaction">;

/**
 * Sign in the wallet and send through the app's own connection, so each step is visible; wallets
 * that only sign-and-send do both in one step. `onSigned` marks the switch to "sending".
 */
export async function signAndSend(
  connection: Connection,
  wallet: Signer,
  walletName: string,
  tx: Transaction,
  label: string,
  onSigned: () => void,
): Promise<string> {
  const opts = { preflightCommitment: "confirmed" as const, maxRetries: 5 };
  if (!wallet.signTransaction) {
    try {
      return await wallet.sendTransaction(tx, connection, opts);
    } catch (err) {
      throw new StepFailure(
        "signing",
        isRejection(err) ? describeWalletError(err, walletName) : describeSendError(err, label),
      );
    }
  }
  let signed: Uint8Array;
  try {
    signed = (await wallet.signTransaction(tx)).serialize();
  } catch (err) {
    throw new StepFailure("signing", describeWalletError(err, walletName));
  }
  onSigned();
  try {
    return await connection.sendRawTransaction(signed, opts);
  } catch (err) {
    throw new StepFailure("sending", describeSendError(err, label));
  }
}

/** Waits for the network; a lost subscription is not a failure (the server's answer is what counts). */
export async function awaitLanding(connection: Connection, blockhash: Blockhash, signature: string, label: string) {
  try {
    const landed = await connection.confirmTransaction({ ...blockhash, signature }, "confirmed");
    if (landed.value.err)
      stop(
        "confirming",
        "The transfer failed",
        `The network processed the transaction but it failed, so no ${label} left your wallet (only the network fee). Please try again.`,
      );
  } catch (err) {
    if (err instanceof StepFailure) throw err;
    if ((err as Error)?.name === "TransactionExpiredBlockheightExceededError")
      stop(
        "confirming",
        "The transaction expired",
        "It did not reach the network in time, so nothing was sent. Please try again.",
      );
  }
}

/** Asks the server to credit the payment until it does; null when the run was abandoned. */
export async function pollCredit(
  topupId: string,
  signature: string,
  o: { alive: () => boolean; onSlow: () => void },
): Promise<ConfirmAnswer | null> {
  const started = Date.now();
  while (o.alive()) {
    try {
      const answer = await confirmTopup(topupId, signature);
      if (answer.balanceMicro !== undefined) return answer;
    } catch (err) {
      if (err instanceof ApiError && err.code === "deposit_invalid")
        stop("confirming", "This payment could not be credited", err.message, false);
      // 503 or a dropped request: the payment is on its way either way.
    }
    if (Date.now() - started > 60_000) o.onSlow();
    await new Promise((r) => setTimeout(r, 1000));
  }
  return null;
}
