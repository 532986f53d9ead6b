"use client";
import { useMemo, useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useWallet } from "@solana/wallet-adapter-react";
import { WalletReadyState, type Adapter } from "@solana/wallet-adapter-base";
import { apiFetch } from "@/components/api";
import { Spinner } from "@/components/ui/spinner";
import { shortAddress } from "@/lib/format";
import { displayTokenAmount } from "@/lib/solana/token-amount";
import { WALLET_BALANCES_QUERY, type ChainInfo } from "./billing-api";
import { useWalletBalances } from "./chain-reads";
import { TokenMark } from "./token-badge";

function Faucet() {
  const qc = useQueryClient();
  const m = useMutation({
    mutationFn: () => apiFetch<{ usdc: string; router: string | null }>("/api/dev/faucet", { method: "POST" }),
    onSuccess: () => setTimeout(() => void qc.invalidateQueries({ queryKey: WALLET_BALANCES_QUERY }), 300),
  });
  return (
    <div className="mt-4 border-t border-dashed border-zinc-200 pt-4 dark:border-zinc-800">
      <button
        type="button"
        className="btn-secondary w-full"
        onClick={() => m.mutate()}
        disabled={m.isPending}
        data-testid="faucet-button"
      >
        {m.isPending ? <Spinner /> : null}
        Get test tokens
      </button>
      <p className="muted mt-2 text-xs" aria-live="polite" data-testid="faucet-result">
        {m.isError
          ? (m.error as Error).message
          : m.isSuccess
            ? `Sent 1 SOL, ${displayTokenAmount(m.data.usdc, 6)} USDC${m.data.router ? ` and ${displayTokenAmount(m.data.router, 6)} $ROUTER` : ""} to your wallet.`
            : "Local cluster only: free SOL, USDC and $ROUTER for trying top-ups."}
      </p>
    </div>
  );
}

function Balances({ address, chain }: { address: string; chain: ChainInfo }) {
  const q = useWalletBalances(address, chain);
  const rows: { key: string; label: React.ReactNode; value: string | null }[] = [
    {
      key: "usdc",
      label: (
        <>
          <TokenMark token="USDC" className="h-4 w-4" /> USDC
        </>
      ),
      value: q.data?.usdc != null ? displayTokenAmount(q.data.usdc, 6) : null,
    },
    ...(chain.routerMint
      ? [
          {
            key: "router",
            label: (
              <>
                <TokenMark token="ROUTER" className="h-4 w-4" /> $ROUTER
              </>
            ),
            value: q.data?.router != null ? displayTokenAmount(q.data.router, 6) : null,
          },
        ]
      : []),
    {
      key: "sol",
      label: <span className="pl-6">SOL</span>,
      value: q.data ? displayTokenAmount(BigInt(q.data.lamports), 9) : null,
    },
  ];
  return (
    <>
      <dl className="mt-3 space-y-1.5 text-sm" data-testid="wallet-balances">
        {rows.map((r) => (
          <div key={r.key} className="flex items-center justify-between gap-3">
            <dt className="flex items-center gap-2 text-zinc-600 dark:text-zinc-400">{r.label}</dt>
            <dd className="tabular-nums">
              {q.isError
                ? "—"
                : (r.value ?? (
                    <span className="inline-block h-3 w-14 animate-pulse rounded bg-zinc-200 align-middle dark:bg-zinc-800" />
                  ))}
            </dd>
          </div>
        ))}
      </dl>
      {q.isError ? (
        <p className="mt-2 text-xs text-amber-800 dark:text-amber-300" data-testid="wallet-balances-error">
          The Solana network is not answering, so balances are unknown.{" "}
          <button type="button" className="underline underline-offset-2" onClick={() => void q.refetch()}>
            Retry
          </button>
        </p>
      ) : null}
    </>
  );
}

export function WalletCard({
  chain,
  sessionWallet,
  ready,
}: {
  chain: ChainInfo;
  sessionWallet: string;
  ready: boolean;
}) {
  const { wallets, wallet, publicKey, connected, connecting, select } = useWallet();
  const [connectError, setConnectError] = useState<string | null>(null);
  const address = publicKey?.toBase58() ?? null;
  const detected = useMemo(
    () =>
      wallets.filter((w) => w.readyState === WalletReadyState.Installed || w.readyState === WalletReadyState.Loadable),
    [wallets],
  );

  async function connectTo(adapter: Adapter) {
    setConnectError(null);
    try {
      select(adapter.name);
      await adapter.connect();
    } catch (err) {
      const msg = (err as Error)?.message ?? "";
      setConnectError(
        /reject|denied|declined|cancel/i.test(msg)
          ? "You declined the connection in your wallet."
          : `${adapter.name} could not connect. Please try again.`,
      );
    }
  }

  let body: React.ReactNode;
  if (!ready) {
    body = (
      <div
        className="mt-3 h-5 w-48 animate-pulse rounded bg-zinc-200 dark:bg-zinc-800"
        aria-busy="true"
        aria-label="Checking your wallet"
      />
    );
  } else if (connecting) {
    body = (
      <p className="mt-3 flex items-center gap-2 text-sm" role="status">
        <Spinner /> Reconnecting {wallet?.adapter.name ?? "your wallet"}…
      </p>
    );
  } else if (connected && address && address !== sessionWallet) {
    body = (
      <div
        role="alert"
        className="mt-3 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-500/30 dark:bg-amber-500/10 dark:text-amber-200"
        data-testid="wallet-mismatch"
      >
        {wallet?.adapter.name ?? "Your wallet"} is connected as{" "}
        <span className="font-mono">{shortAddress(address)}</span>, but you signed in as{" "}
        <span className="font-mono">{shortAddress(sessionWallet)}</span>. Switch to that account in your wallet to pay
        from it, or sign out and sign in with this one.
      </div>
    );
  } else if (connected && address) {
    body = (
      <>
        <p className="mt-3 flex items-center gap-2 text-sm" data-testid="wallet-connected">
          <span className="h-2 w-2 rounded-full bg-emerald-500" aria-hidden="true" />
          <span className="font-medium">{wallet?.adapter.name}</span>
          <span className="muted font-mono text-xs">{shortAddress(address)}</span>
        </p>
        <Balances address={address} chain={chain} />
      </>
    );
  } else {
    body = (
      <div className="mt-3 text-sm">
        <p className="muted">
          Connect the wallet you signed in with (<span className="font-mono">{shortAddress(sessionWallet)}</span>) to
          pay from it.
        </p>
        {detected.length ? (
          <div className="mt-3 flex flex-wrap gap-2">
            {detected.map((w) => (
              <button
                key={w.adapter.name}
                type="button"
                className="btn-secondary"
                onClick={() => void connectTo(w.adapter)}
              >
                {/* eslint-disable-next-line @next/next/no-img-element -- wallet icons are data: URIs */}
                <img src={w.adapter.icon} alt="" width={18} height={18} className="rounded" />
                Connect {w.adapter.name}
              </button>
            ))}
          </div>
        ) : (
          <p className="muted mt-2">No wallet found in this browser. You can still pay with your phone.</p>
        )}
        {connectError ? (
          <p role="alert" className="mt-2 text-red-600 dark:text-red-400">
            {connectError}
          </p>
        ) : null}
      </div>
    );
  }

  return (
    <section className="card p-5" aria-labelledby="wallet-title">
      <h2 id="wallet-title" className="muted text-sm">
        Your wallet
      </h2>
      {body}
      {chain.cluster === "localnet" ? <Faucet /> : null}
    </section>
  );
}
