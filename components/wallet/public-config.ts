// The chain settings the server publishes at /api/config (lib/solana/config.ts), fetched once per
// page: the picker needs the cluster to decide which wallets to offer before anything is signed.
export interface PublicChainConfig {
  cluster: "localnet" | "devnet" | "mainnet-beta";
  rpcUrl: string;
}

let cached: Promise<PublicChainConfig | null> | null = null;

export function publicChainConfig(): Promise<PublicChainConfig | null> {
  cached ??= fetch("/api/config", { credentials: "same-origin" })
    .then((res) => (res.ok ? (res.json() as Promise<PublicChainConfig>) : null))
    // Offline or a failing server: offer only the wallets that need no configuration, and ask
    // again next time rather than remembering the failure.
    .catch(() => null)
    .then((c) => {
      if (!c) cached = null;
      return c;
    });
  return cached;
}
