"use client";
import { useMemo, useState } from "react";
import { useRouter } from "next/navigation";
import { WalletProvider, useWallet } from "@solana/wallet-adapter-react";
import { WalletReadyState, type Adapter } from "@solana/wallet-adapter-base";
import { Dialog } from "@/components/ui/dialog";
import { Spinner } from "@/components/ui/spinner";
import { signInWithWallet, SignInFailure } from "./sign-in-flow";

const KNOWN = [
  { name: "Phantom", url: "https://phantom.com/download" },
  { name: "Backpack", url: "https://backpack.app/downloads" },
  { name: "Solflare", url: "https://solflare.com/download" },
];

export default function SignInDialog({ onClose }: { onClose: () => void }) {
  // wallets={[]}: Phantom, Backpack and Solflare announce themselves through the Wallet Standard.
  return (
    <WalletProvider wallets={[]} autoConnect={false} localStorageKey="solrouter.wallet">
      <Picker onClose={onClose} />
    </WalletProvider>
  );
}

type State = { step: "pick" } | { step: "signing"; wallet: string } | { step: "done" } | { step: "error"; wallet: string; message: string };

function Picker({ onClose }: { onClose: () => void }) {
  const { wallets, select } = useWallet();
  const [state, setState] = useState<State>({ step: "pick" });
  const router = useRouter();
  const detected = useMemo(
    () => wallets.filter((w) => w.readyState === WalletReadyState.Installed || w.readyState === WalletReadyState.Loadable),
    [wallets],
  );
  const missing = KNOWN.filter((k) => !detected.some((w) => w.adapter.name === k.name));

  async function start(adapter: Adapter) {
    setState({ step: "signing", wallet: adapter.name });
    select(adapter.name);
    const onDisconnect = () => setState({ step: "error", wallet: adapter.name, message: `${adapter.name} disconnected. Please try again.` });
    adapter.on("disconnect", onDisconnect);
    try {
      await signInWithWallet(adapter);
      setState({ step: "done" });
      router.push("/dashboard");
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
        <div className="flex items-center gap-3 rounded-md border border-zinc-200 p-4 text-sm dark:border-zinc-800" role="status">
          <Spinner />
          {state.step === "done" ? "Signed in. Opening your dashboard…" : `Approve the sign-in request in ${state.wallet}…`}
        </div>
      ) : (
        <>
          {state.step === "error" ? (
            <div role="alert" data-testid="signin-error" className="mb-4 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200">
              {state.message}
            </div>
          ) : null}
          {detected.length > 0 ? (
            <ul className="space-y-2" aria-label="Wallets in this browser">
              {detected.map((w) => (
                <li key={w.adapter.name}>
                  <button
                    type="button"
                    className="flex w-full items-center gap-3 rounded-md border border-zinc-200 px-3 py-2.5 text-left text-sm font-medium hover:border-accent-500 hover:bg-accent-50 dark:border-zinc-800 dark:hover:bg-zinc-800"
                    onClick={() => void start(w.adapter)}
                  >
                    {/* eslint-disable-next-line @next/next/no-img-element -- wallet icons are data: URIs */}
                    <img src={w.adapter.icon} alt="" width={24} height={24} className="rounded" />
                    <span className="flex-1">{w.adapter.name}</span>
                    <span className="text-xs font-normal text-emerald-600 dark:text-emerald-400">
                      {state.step === "error" && state.wallet === w.adapter.name ? "Try again" : "Detected"}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted text-sm">No Solana wallet was found in this browser. Install one, then reload this page.</p>
          )}
          {missing.length > 0 ? (
            <div className="mt-5">
              <p className="muted mb-2 text-xs font-medium uppercase tracking-wide">Get a wallet</p>
              <ul className="flex flex-wrap gap-2">
                {missing.map((k) => (
                  <li key={k.name}>
                    <a className="btn-secondary text-xs" href={k.url} target="_blank" rel="noopener noreferrer">
                      Install {k.name} ↗
                    </a>
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </>
      )}
    </Dialog>
  );
}
