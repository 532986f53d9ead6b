"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "@/components/api";
import { formatUsd } from "@/lib/format";
import { TOPUPS_QUERY, type Topup } from "../billing/_components/billing-api";
import type { Wire } from "@/lib/wire";
import type { MeResponse } from "@/lib/billing/schemas";

type Me = Wire<typeof MeResponse>;

const DISMISS_KEY = "solrouter.lowBalanceDismissed";

// Shown while balance < the account's threshold (0 turns it off), and only once the account has
// had a top-up credited: a new account at $0.00 has nothing to be warned about yet. Dismissing
// hides it for this browser session until the balance or the threshold changes.
export function LowBalanceBanner() {
  const me = useQuery({ queryKey: ["me"], queryFn: () => apiFetch<Me>("/api/me"), refetchInterval: 60_000 });
  const low =
    !!me.data && me.data.lowBalanceThresholdMicro > 0 && me.data.balanceMicro < me.data.lowBalanceThresholdMicro;
  // Same key and shape as the Billing history, so the two share one request.
  const topups = useQuery({
    queryKey: TOPUPS_QUERY,
    queryFn: async () => (await apiFetch<{ topups: Topup[] }>("/api/topups")).topups,
    enabled: low,
  });
  const onBilling = usePathname() === "/billing";
  // Read lazily: the banner renders nothing until /api/me answers, so server and client agree.
  const [dismissed, setDismissed] = useState<string | null>(() =>
    typeof window === "undefined" ? null : sessionStorage.getItem(DISMISS_KEY),
  );
  if (!me.data || !low || !topups.data?.some((t) => t.status === "credited")) return null;
  const { balanceMicro, lowBalanceThresholdMicro } = me.data;
  const stamp = `${balanceMicro}:${lowBalanceThresholdMicro}`;
  if (dismissed === stamp) return null;
  return (
    <div
      role="status"
      data-testid="low-balance-banner"
      className="mb-6 flex flex-wrap items-center gap-x-4 gap-y-2 rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:border-amber-500/30 dark:bg-amber-500/10 dark:text-amber-200"
    >
      <svg
        width="18"
        height="18"
        viewBox="0 0 20 20"
        fill="currentColor"
        aria-hidden="true"
        className="shrink-0 text-amber-500"
      >
        <path
          fillRule="evenodd"
          d="M8.5 2.9a1.7 1.7 0 0 1 3 0l6.3 11.4A1.7 1.7 0 0 1 16.3 17H3.7a1.7 1.7 0 0 1-1.5-2.7L8.5 2.9ZM10 7a.8.8 0 0 0-.8.8v3.4a.8.8 0 0 0 1.6 0V7.8A.8.8 0 0 0 10 7Zm0 8a1 1 0 1 0 0-2 1 1 0 0 0 0 2Z"
          clipRule="evenodd"
        />
      </svg>
      <p className="min-w-0 flex-1">
        Your balance is <strong className="tabular-nums">{formatUsd(balanceMicro)}</strong>, below your alert level of{" "}
        <span className="tabular-nums">{formatUsd(lowBalanceThresholdMicro)}</span>. Calls stop when it runs out.
      </p>
      <div className="flex items-center gap-2">
        {/* On Billing the form is right here: a link to the same page would go nowhere. */}
        {onBilling ? null : (
          <Link href="/billing" className="btn-primary px-3 py-1.5">
            Top up
          </Link>
        )}
        <button
          type="button"
          className="btn-ghost px-2 py-1.5 text-amber-900 dark:text-amber-200"
          onClick={() => {
            sessionStorage.setItem(DISMISS_KEY, stamp);
            setDismissed(stamp);
          }}
        >
          Dismiss
        </button>
      </div>
    </div>
  );
}
