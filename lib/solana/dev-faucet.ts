import "server-only";
import { AppError } from "@/lib/errors";
import { chainConfig } from "./config";
import { rpcCall, RpcResponseError, RpcUnavailableError } from "./rpc";

// Test money from the local cluster, so the whole top-up flow works offline. Only on localnet:
// the custom requestTokenAirdrop method mints the localnet's own USDC and $ROUTER.
export const FAUCET_LAMPORTS = 1_000_000_000n; // 1 SOL, for fees
export const FAUCET_USDC = 1_000_000_000n; // 1,000 USDC (6 decimals)
export const FAUCET_ROUTER = 20_000_000_000n; // 20,000 $ROUTER (6 decimals) ≈ $1,000 at $0.05

export interface FaucetResult {
  signatures: string[];
  lamports: string;
  usdc: string;
  router: string | null;
}

export async function requestTestTokens(wallet: string): Promise<FaucetResult> {
  const c = chainConfig();
  if (c.cluster !== "localnet") throw new AppError("not_found", "Not found.");
  if (!c.usdcMint) throw new AppError("unavailable", "The local cluster's test tokens are not configured.");
  try {
    const signatures = [await rpcCall<string>("requestAirdrop", [wallet, Number(FAUCET_LAMPORTS)])];
    signatures.push(await rpcCall<string>("requestTokenAirdrop", [wallet, c.usdcMint, FAUCET_USDC.toString()]));
    if (c.routerMint)
      signatures.push(await rpcCall<string>("requestTokenAirdrop", [wallet, c.routerMint, FAUCET_ROUTER.toString()]));
    return {
      signatures,
      lamports: FAUCET_LAMPORTS.toString(),
      usdc: FAUCET_USDC.toString(),
      router: c.routerMint ? FAUCET_ROUTER.toString() : null,
    };
  } catch (err) {
    if (err instanceof RpcUnavailableError || err instanceof RpcResponseError) {
      throw new AppError(
        "unavailable",
        "The local Solana cluster did not hand out test tokens. Is `npm run localnet` running?",
      );
    }
    throw err;
  }
}
