"use client";
import { useQuery } from "@tanstack/react-query";
import { useConnection } from "@solana/wallet-adapter-react";
import { PublicKey, type Connection } from "@solana/web3.js";
import { payerTokenAccount } from "@solrouter/sdk/topup";
import { WALLET_BALANCES_QUERY, type ChainInfo } from "./billing-api";

const programs = new Map<string, PublicKey>();

/** The token program that owns a mint (classic Token or Token-2022). */
export async function tokenProgramOf(connection: Connection, mint: string): Promise<PublicKey | null> {
  const hit = programs.get(mint);
  if (hit) return hit;
  const info = await connection.getAccountInfo(new PublicKey(mint));
  if (!info) return null;
  programs.set(mint, info.owner);
  return info.owner;
}

/** Base units in the owner's associated token account; 0 when it does not exist yet. */
export async function tokenBalance(
  connection: Connection,
  owner: PublicKey,
  mint: string,
  programId: PublicKey,
): Promise<bigint> {
  const info = await connection.getAccountInfo(payerTokenAccount(owner, mint, programId));
  if (!info || info.data.length < 72) return 0n;
  return new DataView(info.data.buffer, info.data.byteOffset, info.data.byteLength).getBigUint64(64, true);
}

export interface WalletBalances {
  lamports: number;
  usdc: bigint | null;
  router: bigint | null;
}

export function useWalletBalances(address: string | null, chain: ChainInfo) {
  const { connection } = useConnection();
  return useQuery({
    queryKey: [...WALLET_BALANCES_QUERY, address],
    enabled: !!address,
    refetchInterval: 15_000,
    queryFn: async (): Promise<WalletBalances> => {
      const owner = new PublicKey(address!);
      const of = async (mint: string | null) => {
        if (!mint) return null;
        const program = await tokenProgramOf(connection, mint);
        return program ? tokenBalance(connection, owner, mint, program) : null;
      };
      const [lamports, usdc, router] = await Promise.all([
        connection.getBalance(owner),
        of(chain.usdcMint),
        of(chain.routerMint),
      ]);
      return { lamports, usdc, router };
    },
  });
}
