// Explorer links for the configured cluster; pure, so pages and API answers build the same URL.
export type Cluster = "localnet" | "devnet" | "mainnet-beta";

export function explorerTxUrl(signature: string, cluster: Cluster, rpcUrl: string): string {
  const base = `https://explorer.solana.com/tx/${encodeURIComponent(signature)}`;
  if (cluster === "mainnet-beta") return base;
  if (cluster === "devnet") return `${base}?cluster=devnet`;
  return `${base}?cluster=custom&customUrl=${encodeURIComponent(rpcUrl)}`;
}
