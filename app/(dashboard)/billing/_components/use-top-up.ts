"use client";
import { useCallback, useRef, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { useConnection, useWallet } from "@solana/wallet-adapter-react";
import { PublicKey } from "@solana/web3.js";
import { ApiError } from "@/components/api";
import { buildTopupTransaction } from "@/lib/solana/transfer";
import { displayTokenAmount } from "@/lib/solana/token-amount";
import { confirmTopup, createTopup, ME_QUERY, TOKEN_LABEL, TOPUPS_QUERY, WALLET_BALANCES_QUERY, type TokenSymbol, type Topup } from "./billing-api";
import { tokenBalance } from "./chain-reads";
import { describeSendError, describeWalletError, isRejection, type Failure } from "./top-up-errors";

export type Phase = "idle" | "preparing" | "signing" | "sending" | "confirming" | "credited" | "failed";

export interface TopUpState {
  phase: Phase;
  /** Where a failure happened, so the progress panel can mark that step. */
  failedAt?: Phase;
  topup?: Topup;
  signature?: string;
  failure?: Failure;
  /** Extra words while confirming takes long. */
  note?: string;
  balanceMicro?: number;
}

const FEE_RESERVE_LAMPORTS = 10_000;
// Never start signing an intent that could expire before the transaction lands.
const MIN_INTENT_LIFE_MS = 2 * 60_000;
const POLL_MS = 1000;
const PATIENCE_MS = 60_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The browser side of a top-up: intent → checks → wallet signature → send → confirm → credited. */
export function useTopUp(sessionWallet: string) {
  const { connection } = useConnection();
  const { publicKey, signTransaction, sendTransaction, wallet } = useWallet();
  const qc = useQueryClient();
  const [state, setState] = useState<TopUpState>({ phase: "idle" });
  const lastInput = useRef<{ token: TokenSymbol; creditMicro: number } | null>(null);
  const runId = useRef(0);

  const run = useCallback(
    async (input: { token: TokenSymbol; creditMicro: number }, reuse?: Topup) => {
      const id = ++runId.current;
      const alive = () => id === runId.current;
      const set = (s: TopUpState) => alive() && setState(s);
      const fail = (failedAt: Phase, failure: Failure, extra: Partial<TopUpState> = {}) => set({ phase: "failed", failedAt, failure, ...extra });
      lastInput.current = input;

      if (!publicKey) return fail("preparing", { title: "Connect your wallet", message: "Connect the wallet you signed in with to pay from it.", retry: false });
      if (publicKey.toBase58() !== sessionWallet) {
        return fail("preparing", { title: "Wrong wallet", message: "The connected wallet is not the one you signed in with. Switch accounts in your wallet, then try again.", retry: true });
      }
      set({ phase: "preparing" });
      let topup: Topup;
      try {
        topup = reuse && reuse.status === "pending" && Date.parse(reuse.expiresAt) - Date.now() > MIN_INTENT_LIFE_MS ? reuse : await createTopup(input.token, input.creditMicro);
      } catch (err) {
        return fail("preparing", { title: "Could not start the top-up", message: (err as Error).message, retry: true });
      }
      if (topup !== reuse) void qc.invalidateQueries({ queryKey: TOPUPS_QUERY });
      const label = TOKEN_LABEL[topup.token];
      const need = `${displayTokenAmount(topup.amount, topup.decimals)} ${label}`;
      if (!topup.payToTokenAccount || !topup.tokenProgram) {
        return fail("preparing", { title: "The network is not answering", message: "We could not look up the treasury's account. Please try again in a moment.", retry: true }, { topup });
      }
      const programId = new PublicKey(topup.tokenProgram);
      try {
        const [lamports, have] = await Promise.all([connection.getBalance(publicKey), tokenBalance(connection, publicKey, topup.mint, programId)]);
        if (have < BigInt(topup.amount)) {
          const has = `${displayTokenAmount(have, topup.decimals)} ${label}`;
          return fail("preparing", { title: `Not enough ${label}`, message: `This top-up needs ${need}, and your wallet holds ${has}. Add ${label} to your wallet, then try again.`, retry: true }, { topup });
        }
        if (lamports < FEE_RESERVE_LAMPORTS) {
          return fail("preparing", { title: "No SOL for the network fee", message: "Your wallet needs a little SOL (about 0.00001 SOL) to pay the network fee. Add some SOL, then try again.", retry: true }, { topup });
        }
      } catch {
        return fail("preparing", { title: "The Solana network is not answering", message: "We could not read your wallet's balance. Check your connection and try again.", retry: true }, { topup });
      }

      set({ phase: "signing", topup });
      const walletName = wallet?.adapter.name ?? "Your wallet";
      let blockhash: { blockhash: string; lastValidBlockHeight: number };
      let signature: string;
      try {
        blockhash = await connection.getLatestBlockhash("confirmed");
      } catch {
        return fail("signing", { title: "The Solana network is not answering", message: "Check your connection and try again. Nothing was sent.", retry: true }, { topup });
      }
      const tx = buildTopupTransaction(publicKey, { ...topup, payToTokenAccount: topup.payToTokenAccount }, programId, blockhash);
      if (signTransaction) {
        // Sign in the wallet, send through the app's own connection: each step is visible.
        let signed: Uint8Array;
        try {
          signed = (await signTransaction(tx)).serialize();
        } catch (err) {
          return fail("signing", describeWalletError(err, walletName), { topup });
        }
        set({ phase: "sending", topup });
        try {
          signature = await connection.sendRawTransaction(signed, { preflightCommitment: "confirmed", maxRetries: 5 });
        } catch (err) {
          return fail("sending", describeSendError(err, label), { topup });
        }
      } else {
        // Wallets that only sign-and-send: one step covers both.
        try {
          signature = await sendTransaction(tx, connection, { preflightCommitment: "confirmed", maxRetries: 5 });
        } catch (err) {
          return fail("signing", isRejection(err) ? describeWalletError(err, walletName) : describeSendError(err, label), { topup });
        }
      }

      set({ phase: "confirming", topup, signature });
      try {
        const landed = await connection.confirmTransaction({ ...blockhash, signature }, "confirmed");
        if (landed.value.err) {
          return fail("confirming", { title: "The transfer failed", message: `The network processed the transaction but it failed, so no ${label} left your wallet (only the network fee). Please try again.`, retry: true }, { topup, signature });
        }
      } catch (err) {
        if ((err as Error)?.name === "TransactionExpiredBlockheightExceededError") {
          return fail("confirming", { title: "The transaction expired", message: "It did not reach the network in time, so nothing was sent. Please try again.", retry: true }, { topup, signature });
        }
        // Subscription trouble: the server's answer below is what counts.
      }

      const started = Date.now();
      for (;;) {
        if (!alive()) return;
        try {
          const answer = await confirmTopup(topup.id, signature);
          if (answer.balanceMicro !== undefined) {
            set({ phase: "credited", topup: answer.topup, signature, balanceMicro: answer.balanceMicro });
            void qc.invalidateQueries({ queryKey: ME_QUERY });
            void qc.invalidateQueries({ queryKey: TOPUPS_QUERY });
            void qc.invalidateQueries({ queryKey: WALLET_BALANCES_QUERY });
            return;
          }
        } catch (err) {
          if (err instanceof ApiError && err.code === "deposit_invalid") {
            return fail("confirming", { title: "This payment could not be credited", message: err.message, retry: false }, { topup, signature });
          }
          // 503 or a dropped request: the payment is on its way either way.
        }
        if (Date.now() - started > PATIENCE_MS) {
          set({ phase: "confirming", topup, signature, note: "This is taking longer than usual. You can leave this page: the top-up is credited automatically once the network confirms it." });
        }
        await sleep(POLL_MS);
      }
    },
    [connection, publicKey, signTransaction, sendTransaction, wallet, sessionWallet, qc],
  );

  // The same intent is paid again only if nothing could have been sent for it; otherwise a late
  // first payment and the retry would both go to one intent, which credits only once.
  const retry = useCallback(() => {
    if (!lastInput.current) return;
    const unsent = state.failedAt === "preparing" || state.failedAt === "signing";
    void run(lastInput.current, unsent ? state.topup : undefined);
  }, [run, state.failedAt, state.topup]);

  const reset = useCallback(() => {
    runId.current++;
    setState({ phase: "idle" });
  }, []);

  return { state, start: run, retry, reset };
}
