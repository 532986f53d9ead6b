import { z } from "zod";

// Responses of /api/config and /api/dev/faucet (see lib/keys/schemas.ts for how they are used).

export const ChainConfigResponse = z
  .object({
    cluster: z.enum(["localnet", "devnet", "mainnet-beta"]),
    rpcUrl: z.string().describe("The browser-facing RPC URL (PUBLIC_SOLANA_RPC_URL)"),
    usdcMint: z.string().nullable(),
    routerMint: z.string().nullable(),
    treasury: z.string().nullable().describe("The treasury owner that top-ups pay"),
    routerPriceUsd: z.number().describe("The $ROUTER price in USD"),
  })
  .describe("GET /api/config");

export const FaucetResponse = z
  .object({
    signatures: z.array(z.string()),
    lamports: z.string().describe("SOL sent, in lamports"),
    usdc: z.string().describe("Test USDC sent, in base units"),
    router: z.string().nullable().describe("Test $ROUTER sent, in base units"),
  })
  .describe("POST /api/dev/faucet");
