"use client";
import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "@/components/api";
import type { Json } from "@/lib/json";
import type { TopupView } from "@/lib/billing/topups";
import type { AccountSummary } from "@/lib/billing/account";
import type { TopupToken } from "@/lib/billing/price-source";

// The contract's JSON, as the browser sees it (money as integer micro-USD numbers).
export type TokenSymbol = TopupToken;
export type Topup = Json<TopupView>;

export interface ChainInfo {
  cluster: "localnet" | "devnet" | "mainnet-beta";
  rpcUrl: string;
  usdcMint: string | null;
  routerMint: string | null;
  routerPriceUsd: number;
}

export type Me = Json<AccountSummary>;

export const TOKEN_LABEL: Record<TokenSymbol, string> = { USDC: "USDC", ROUTER: "$ROUTER" };

export const ME_QUERY = ["me"] as const;
export const TOPUPS_QUERY = ["topups"] as const;
export const WALLET_BALANCES_QUERY = ["wallet-balances"] as const;

export function useMe() {
  return useQuery({ queryKey: ME_QUERY, queryFn: () => apiFetch<Me>("/api/me") });
}

/** The history; polled while something is pending so reconciler credits show up on their own. */
export function useTopups(opts: { fast?: boolean } = {}) {
  return useQuery({
    queryKey: TOPUPS_QUERY,
    queryFn: async () => (await apiFetch<{ topups: Topup[] }>("/api/topups")).topups,
    refetchInterval: (q) => {
      if (opts.fast) return 2000;
      const fresh = (q.state.data ?? []).some((t) => t.status === "pending" && Date.parse(t.expiresAt) > Date.now() - 5 * 60_000);
      return fresh ? 5000 : false;
    },
  });
}

export function createTopup(token: TokenSymbol, creditMicro: number): Promise<Topup> {
  return apiFetch<{ topup: Topup }>("/api/topups", { method: "POST", json: { token, creditMicro } }).then((r) => r.topup);
}

export type ConfirmAnswer = { topup: Topup; balanceMicro?: number };

export function confirmTopup(id: string, signature: string): Promise<ConfirmAnswer> {
  return apiFetch<ConfirmAnswer>(`/api/topups/${id}/confirm`, { method: "POST", json: { signature } });
}
