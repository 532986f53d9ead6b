import "server-only";
import { env } from "@/lib/env";

export interface ChainConfig {
  cluster: "localnet" | "devnet" | "mainnet-beta";
  rpcUrl: string;
  usdcMint: string | null;
  routerMint: string | null;
  treasury: string | null;
  routerPriceUsd: number;
}

export function chainConfig(): ChainConfig {
  const e = env();
  return {
    cluster: e.SOLANA_CLUSTER,
    // What browsers use; the server's own SOLANA_RPC_URL never leaves the server.
    rpcUrl: e.publicRpcUrl,
    usdcMint: e.USDC_MINT ?? null,
    routerMint: e.ROUTER_MINT ?? null,
    treasury: e.TREASURY_ADDRESS ?? null,
    routerPriceUsd: e.ROUTER_PRICE_USD,
  };
}
