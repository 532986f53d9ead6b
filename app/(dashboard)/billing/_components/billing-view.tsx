"use client";
import { useWallet } from "@solana/wallet-adapter-react";
import { QueryErrorAlert } from "@/components/ui/alert";
import { formatUsd } from "@/lib/format";
import { useMe, type ChainInfo } from "./billing-api";
import { History } from "./history";
import { TopUpCard } from "./top-up-card";
import { WalletCard } from "./wallet-card";
import { useIsClient, WalletProviders } from "./wallet-providers";

const CLUSTER_NAME: Record<ChainInfo["cluster"], string> = {
  localnet: "Local cluster",
  devnet: "Devnet",
  "mainnet-beta": "Mainnet",
};

function BalanceCard({ cluster }: { cluster: ChainInfo["cluster"] }) {
  const me = useMe();
  return (
    <section className="card flex flex-col justify-between p-5" aria-labelledby="balance-title">
      <div>
        <div className="flex items-center justify-between gap-2">
          <h2 id="balance-title" className="muted text-sm">
            Balance
          </h2>
          {cluster !== "mainnet-beta" ? (
            <span className="rounded-full bg-amber-50 px-2 py-0.5 text-xs font-medium text-amber-800 ring-1 ring-inset ring-amber-600/20 dark:bg-amber-500/10 dark:text-amber-300 dark:ring-amber-500/30">
              {CLUSTER_NAME[cluster]} · test money
            </span>
          ) : null}
        </div>
        <p
          className="mt-2 text-4xl font-semibold tracking-tight tabular-nums sm:text-5xl"
          data-testid="balance"
          aria-live="polite"
        >
          {me.data ? (
            formatUsd(me.data.balanceMicro)
          ) : me.isError ? null : (
            <span className="inline-block h-10 w-40 animate-pulse rounded bg-zinc-200 align-middle dark:bg-zinc-800" />
          )}
        </p>
        {me.isError ? (
          <QueryErrorAlert query={me} className="mt-2" testId="balance-error" title="We couldn’t load your account." />
        ) : null}
      </div>
      <p className="muted mt-4 text-sm">Prepaid credit for API calls, in US dollars. It does not expire.</p>
    </section>
  );
}

function Inner({ chain, sessionWallet }: { chain: ChainInfo; sessionWallet: string }) {
  const { connected, connecting, publicKey } = useWallet();
  const client = useIsClient();
  const me = useMe();
  const matches = client && connected && publicKey?.toBase58() === sessionWallet;
  const payHint = me.isError
    ? "Adding funds is off until your account loads."
    : matches || !client
      ? null
      : connecting
        ? "Reconnecting your wallet…"
        : connected
          ? "The connected wallet is not the one you signed in with."
          : "Connect your wallet to pay from it.";
  return (
    <div className="space-y-6">
      {/* Add funds comes first in the page (and so first on a phone); wide screens put it on the right. */}
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="lg:col-span-2 lg:col-start-2 lg:row-start-1">
          <TopUpCard
            chain={chain}
            sessionWallet={sessionWallet}
            canPay={matches && !!me.data}
            accountReady={!me.isError}
            payHint={payHint}
          />
        </div>
        <div className="grid content-start gap-6 sm:grid-cols-2 lg:col-start-1 lg:row-start-1 lg:grid-cols-1">
          <BalanceCard cluster={chain.cluster} />
          <WalletCard chain={chain} sessionWallet={sessionWallet} ready={client} />
        </div>
      </div>
      <History />
    </div>
  );
}

export function BillingView({ chain, sessionWallet }: { chain: ChainInfo; sessionWallet: string }) {
  return (
    <WalletProviders rpcUrl={chain.rpcUrl}>
      <Inner chain={chain} sessionWallet={sessionWallet} />
    </WalletProviders>
  );
}
