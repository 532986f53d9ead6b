"use client";
import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "@/components/api";
import type { Wire } from "@/lib/wire";
import type * as billing from "@/lib/billing/schemas";
import type { ChainConfigResponse } from "@/lib/solana/schemas";

// The contract's JSON as the browser sees it (money as integer micro-USD numbers), typed from the
// routes' own schemas so that a field changing on the server fails the typecheck here.
export type TokenSymbol = Wire<typeof billing.TopupTokenSchema>;
export type Topup = Wire<typeof billing.TopupSchema>;
/** What the billing page hands its client components: /api/config without the treasury. */
export type ChainInfo = Omit<Wire<typeof ChainConfigResponse>, "treasury">;
export type Me = Wire<typeof billing.MeResponse>;

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
    queryFn: async () => (await apiFetch<Wire<typeof billing.TopupListResponse>>("/api/topups")).topups,
    refetchInterval: (q) => {
      if (opts.fast) return 2000;
      const fresh = (q.state.data ?? []).some(
        (t) => t.status === "pending" && Date.parse(t.expiresAt) > Date.now() - 5 * 60_000,
      );
      return fresh ? 5000 : false;
    },
  });
}

export function createTopup(token: TokenSymbol, creditMicro: number): Promise<Topup> {
  const body: Wire<typeof billing.CreateTopupBody> = { token, creditMicro };
  return apiFetch<Wire<typeof billing.TopupResponse>>("/api/topups", { method: "POST", json: body }).then(
    (r) => r.topup,
  );
}

/** 200 once credited, with the new balance; 202 without it while not yet confirmed. */
export type ConfirmAnswer = Wire<typeof billing.TopupResponse> &
  Partial<Pick<Wire<typeof billing.ConfirmedTopupResponse>, "balanceMicro">>;

export function confirmTopup(id: string, signature: string): Promise<ConfirmAnswer> {
  const body: Wire<typeof billing.ConfirmTopupBody> = { signature };
  return apiFetch<ConfirmAnswer>(`/api/topups/${id}/confirm`, { method: "POST", json: body });
}
