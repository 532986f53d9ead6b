// Whether the "Local test wallet" may exist in this page. Two gates, both must agree:
// - Build time: next.config.mjs inlines SOLROUTER_BUILD_CLUSTER from SOLANA_CLUSTER when the app
//   is built. In a devnet or mainnet build the condition below is the constant `false`, so the
//   bundler drops the import() and the wallet's code is not even emitted as a chunk.
// - Run time: the server's own cluster (/api/config). A localnet build started against devnet
//   never loads the chunk, and a devnet server never hands out test keys.
import { publicChainConfig } from "../public-config";

export const LOCAL_WALLET_NAME = "Local test wallet";

/** Pure form of both gates, for tests and for anything that must explain the decision. */
export function localWalletAllowed(buildCluster: string | undefined, runtimeCluster: string | undefined): boolean {
  return buildCluster === "localnet" && runtimeCluster === "localnet";
}

let registered: Promise<boolean> | null = null;

/** Registers the local test wallet with the Wallet Standard registry when both gates allow it. */
export function ensureLocalTestWallet(): Promise<boolean> {
  registered ??= register().catch(() => false);
  return registered;
}

async function register(): Promise<boolean> {
  // Written out as a literal comparison (not through localWalletAllowed) so the bundler can
  // fold it: only then is the dynamic import dead code in a devnet or mainnet build.
  if (process.env.SOLROUTER_BUILD_CLUSTER === "localnet") {
    const config = await publicChainConfig();
    if (!config || !localWalletAllowed(process.env.SOLROUTER_BUILD_CLUSTER, config.cluster)) return false;
    const { registerLocalTestWallet } = await import("./wallet");
    registerLocalTestWallet(config.rpcUrl);
    return true;
  }
  return false;
}
