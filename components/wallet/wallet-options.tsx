"use client";
import type { Adapter } from "@solana/wallet-adapter-base";
import { SolanaMobileWalletAdapterWalletName } from "@solana-mobile/wallet-standard-mobile";
import { LOCAL_WALLET_NAME } from "./local-wallet/gate";
import { browseLinks } from "./mobile";

const KNOWN = [
  { name: "Phantom", url: "https://phantom.com/download" },
  { name: "Backpack", url: "https://backpack.app/downloads" },
  { name: "Solflare", url: "https://solflare.com/download" },
];

/** Wallets the page offers itself rather than an extension injecting them. */
export const isBuiltIn = (name: string) => name === LOCAL_WALLET_NAME || name === SolanaMobileWalletAdapterWalletName;

function Hint({ name, retry }: { name: string; retry: boolean }) {
  if (retry) return <span className="text-xs font-normal text-emerald-700 dark:text-emerald-300">Try again</span>;
  if (name === LOCAL_WALLET_NAME)
    return (
      <span className="rounded bg-amber-100 px-1.5 py-0.5 text-xs font-medium text-amber-900 dark:bg-amber-500/15 dark:text-amber-200">
        Test money only
      </span>
    );
  if (name === SolanaMobileWalletAdapterWalletName)
    return <span className="muted text-xs font-normal">A wallet app on this phone</span>;
  return <span className="text-xs font-normal text-emerald-700 dark:text-emerald-300">Detected</span>;
}

export function WalletList({
  adapters,
  retryName,
  onPick,
}: {
  adapters: Adapter[];
  retryName: string | null;
  onPick: (adapter: Adapter) => void;
}) {
  return (
    <ul className="space-y-2" aria-label="Wallets you can use">
      {adapters.map((a) => (
        <li key={a.name}>
          <button
            type="button"
            data-wallet={a.name}
            className="flex w-full items-center gap-3 rounded-md border border-zinc-200 px-3 py-2.5 text-left text-sm font-medium hover:border-accent-500 hover:bg-accent-50 dark:border-zinc-800 dark:hover:bg-zinc-800"
            onClick={() => onPick(a)}
          >
            {/* eslint-disable-next-line @next/next/no-img-element -- wallet icons are data: URIs */}
            <img src={a.icon} alt="" width={24} height={24} className="rounded" />
            <span className="flex-1">{a.name}</span>
            <Hint name={a.name} retry={retryName === a.name} />
          </button>
        </li>
      ))}
    </ul>
  );
}

/** Phone without an injected wallet: reopen this page inside a wallet app's browser. */
export function OpenInWalletApp() {
  return (
    <div className="mt-5" data-testid="open-in-wallet">
      <p className="muted mb-2 text-xs font-medium uppercase tracking-wide">Open this page in a wallet app</p>
      <ul className="grid gap-2 sm:grid-cols-3">
        {browseLinks(window.location.href).map((l) => (
          <li key={l.wallet}>
            <a className="btn-secondary w-full justify-center" href={l.href} rel="noopener noreferrer">
              Open in {l.wallet}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function InstallLinks({ detected }: { detected: Adapter[] }) {
  const missing = KNOWN.filter((k) => !detected.some((w) => w.name === k.name));
  if (!missing.length) return null;
  return (
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
  );
}
