"use client";
import { useCallback, useRef, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { useConnection, useWallet } from "@solana/wallet-adapter-react";
import {
  ME_QUERY,
  TOKEN_LABEL,
  TOPUPS_QUERY,
  WALLET_BALANCES_QUERY,
  type ChainInfo,
  type TokenSymbol,
  type Topup,
} from "./billing-api";
import type { Failure } from "./top-up-errors";
import * as step from "./top-up-steps";
import { StepFailure, type Phase } from "./top-up-steps";

export type { Phase };

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

type Input = { token: TokenSymbol; creditMicro: number };

const SLOW_NOTE =
  "This is taking longer than usual. You can leave this page: the top-up is credited automatically once the network confirms it.";

/** The browser side of a top-up: checks → intent → wallet signature → send → confirm → credited. */
export function useTopUp(sessionWallet: string, chain: ChainInfo) {
  const { connection } = useConnection();
  const wallet = useWallet();
  const qc = useQueryClient();
  const [state, setState] = useState<TopUpState>({ phase: "idle" });
  const lastInput = useRef<Input | null>(null);
  const runId = useRef(0);

  const run = useCallback(
    async (input: Input, reuse?: Topup) => {
      const id = ++runId.current;
      const alive = () => id === runId.current;
      const set = (s: TopUpState) => alive() && setState(s);
      lastInput.current = input;
      let topup: Topup | undefined;
      let signature: string | undefined;
      try {
        const owner = step.checkSigner(wallet.publicKey, sessionWallet);
        set({ phase: "preparing" });
        if (!reuse) await step.checkFundsAhead(connection, owner, chain, input.token, input.creditMicro);
        topup = await step.openIntent(input, reuse);
        if (topup !== reuse) void qc.invalidateQueries({ queryKey: TOPUPS_QUERY });
        const program = await step.checkIntentFunds(connection, owner, topup);
        const label = TOKEN_LABEL[topup.token];
        set({ phase: "signing", topup });
        const { tx, blockhash } = await step.buildTransaction(connection, owner, topup, program);
        const name = wallet.wallet?.adapter.name ?? "Your wallet";
        const t = topup;
        signature = await step.signAndSend(connection, wallet, name, tx, label, () =>
          set({ phase: "sending", topup: t }),
        );
        const sig = signature;
        set({ phase: "confirming", topup, signature });
        await step.awaitLanding(connection, blockhash, signature, label);
        const answer = await step.pollCredit(topup.id, signature, {
          alive,
          onSlow: () => set({ phase: "confirming", topup: t, signature: sig, note: SLOW_NOTE }),
        });
        if (!answer) return;
        set({ phase: "credited", topup: answer.topup, signature, balanceMicro: answer.balanceMicro });
        for (const queryKey of [ME_QUERY, TOPUPS_QUERY, WALLET_BALANCES_QUERY]) void qc.invalidateQueries({ queryKey });
      } catch (err) {
        if (!(err instanceof StepFailure)) throw err;
        set({ phase: "failed", failedAt: err.failedAt, failure: err.failure, topup, signature });
      }
    },
    [connection, wallet, sessionWallet, chain, qc],
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
