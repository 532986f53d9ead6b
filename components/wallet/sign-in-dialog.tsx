"use client";
import { useEffect, useMemo, useRef, useState } from "react";
import { useRouter } from "next/navigation";
import { WalletProvider, useWallet } from "@solana/wallet-adapter-react";
import { WalletReadyState, type Adapter } from "@solana/wallet-adapter-base";
import { Dialog } from "@/components/ui/dialog";
import { Spinner } from "@/components/ui/spinner";
import { signInWithWallet, SignInFailure, type SignInMethod } from "./sign-in-flow";
import { ensureLocalTestWallet, LOCAL_WALLET_NAME } from "./local-wallet/gate";
import { ensureMobileWalletAdapter, isMobileBrowser } from "./mobile";
import { publicChainConfig } from "./public-config";
import { InstallLinks, isBuiltIn, OpenInWalletApp, WalletList } from "./wallet-options";
import { WALLET_STORAGE_KEY } from "./wallet-errors";
import { safeNextPath } from "@/lib/http/next-path";

export default function SignInDialog({ onClose }: { onClose: () => void }) {
  // wallets={[]}: Phantom, Backpack and Solflare announce themselves through the Wallet Standard;
  // the local test wallet (localnet only) and the Mobile Wallet Adapter (Android) are registered
  // by the page the same way.
  useEffect(() => {
    void ensureLocalTestWallet();
    void publicChainConfig().then((c) => ensureMobileWalletAdapter(c?.cluster));
  }, []);
  return (
    <WalletProvider wallets={[]} autoConnect={false} localStorageKey={WALLET_STORAGE_KEY}>
      <Picker onClose={onClose} />
    </WalletProvider>
  );
}

type State =
  | { step: "pick" }
  | { step: "signing"; wallet: string; method: SignInMethod | null }
  | { step: "done" }
  | { step: "error"; wallet: string; message: string };

const PROMPT: Record<SignInMethod, (wallet: string) => string> = {
  signIn: (w) => `Approve the sign-in request in ${w}…`,
  signMessage: (w) => `Approve the sign-in message in ${w}…`,
  transaction: (w) =>
    `${w} cannot sign a plain message, so it shows a sign-in transaction instead. Approve it: it is never sent, so nothing moves and there is no fee.`,
};

// Extension wallets first, then what the page provides; the test wallet last so real wallets
// are never pushed below it.
const rank = (name: string) => (name === LOCAL_WALLET_NAME ? 2 : isBuiltIn(name) ? 1 : 0);

function Picker({ onClose }: { onClose: () => void }) {
  const { wallets, select } = useWallet();
  const [state, setState] = useState<State>({ step: "pick" });
  const router = useRouter();
  const body = useRef<HTMLDivElement>(null);
  const detected = useMemo(
    () =>
      wallets
        .filter((w) => w.readyState === WalletReadyState.Installed || w.readyState === WalletReadyState.Loadable)
        .map((w) => w.adapter)
        .sort((a, b) => rank(a.name) - rank(b.name)),
    [wallets],
  );
  const injected = detected.filter((a) => !isBuiltIn(a.name));
  const mobile = isMobileBrowser(navigator.userAgent);
  useFirstOptionFocus(body, state, detected.length);

  async function start(adapter: Adapter) {
    setState({ step: "signing", wallet: adapter.name, method: null });
    select(adapter.name);
    const onDisconnect = () =>
      setState({ step: "error", wallet: adapter.name, message: `${adapter.name} disconnected. Please try again.` });
    adapter.on("disconnect", onDisconnect);
    try {
      await signInWithWallet(adapter, (method) => setState({ step: "signing", wallet: adapter.name, method }));
      setState({ step: "done" });
      router.push(safeNextPath(new URLSearchParams(window.location.search).get("next")));
      router.refresh();
    } catch (err) {
      const message = err instanceof SignInFailure ? err.message : "Sign-in failed. Please try again.";
      setState({ step: "error", wallet: adapter.name, message });
    } finally {
      adapter.off("disconnect", onDisconnect);
    }
  }

  const busy = state.step === "signing" || state.step === "done";
  return (
    <Dialog
      open
      onClose={onClose}
      dismissable={!busy}
      title="Connect a wallet"
      description="You sign one message to prove the wallet is yours. No transaction, no fees."
      testId="wallet-picker"
    >
      {state.step === "signing" || state.step === "done" ? (
        <div
          className="flex items-center gap-3 rounded-md border border-zinc-200 p-4 text-sm dark:border-zinc-800"
          role="status"
          data-testid="signin-status"
        >
          <Spinner />
          {state.step === "done"
            ? "Signed in. Opening your dashboard…"
            : PROMPT[state.method ?? "signIn"](state.wallet)}
        </div>
      ) : (
        <div ref={body}>
          {state.step === "error" ? (
            <div
              role="alert"
              data-testid="signin-error"
              className="mb-4 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200"
            >
              {state.message}
            </div>
          ) : null}
          {detected.length > 0 ? (
            <WalletList
              adapters={detected}
              retryName={state.step === "error" ? state.wallet : null}
              onPick={(a) => void start(a)}
            />
          ) : null}
          {injected.length === 0 ? (
            <p className={`muted text-sm ${detected.length > 0 ? "mt-3" : ""}`}>
              {mobile
                ? "No Solana wallet is built into this browser."
                : "No Solana wallet was found in this browser. Install one, then reload this page."}
            </p>
          ) : null}
          {detected.some((a) => a.name === LOCAL_WALLET_NAME) ? (
            <p className="muted mt-3 text-xs" data-testid="local-wallet-note">
              The local test wallet keeps a key in this browser for the local cluster only. Test money only: never send
              real funds to it.
            </p>
          ) : null}
          {mobile && injected.length === 0 ? <OpenInWalletApp /> : null}
          {!mobile ? <InstallLinks detected={injected} /> : null}
        </div>
      )}
    </Dialog>
  );
}

/**
 * Keyboard users land on the first wallet, not on ×. Wallets can register a moment after the
 * dialog opens (the local test wallet waits for the server's cluster), so this also moves focus
 * when the first one appears, unless the user has already moved it. After a failed attempt focus
 * goes to that wallet's "Try again".
 */
function useFirstOptionFocus(body: React.RefObject<HTMLDivElement | null>, state: State, count: number) {
  const moved = useRef(false);
  useEffect(() => {
    const mark = () => (moved.current = true);
    document.addEventListener("keydown", mark, true);
    document.addEventListener("pointerdown", mark, true);
    return () => {
      document.removeEventListener("keydown", mark, true);
      document.removeEventListener("pointerdown", mark, true);
    };
  }, []);
  useEffect(() => {
    const root = body.current;
    if (!root) return;
    if (state.step === "error") {
      root.querySelector<HTMLElement>(`[data-wallet="${CSS.escape(state.wallet)}"]`)?.focus();
      return;
    }
    if (state.step === "pick" && !moved.current) root.querySelector<HTMLElement>("button, a[href]")?.focus();
  }, [body, state, count]);
}
