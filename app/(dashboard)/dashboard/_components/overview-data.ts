"use client";
import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "@/components/api";
import { localPeriodStarts } from "@/components/time";
import { ME_QUERY, TOPUPS_QUERY, type Me, type Topup } from "../../billing/_components/billing-api";
import type { DailyJson, UsagePageJson } from "../../usage/_components/usage-params";

// The Overview reads only the dashboard's existing routes, sharing cache keys with the pages
// that own them so moving between pages does not refetch.

export const useMe = () => useQuery({ queryKey: ME_QUERY, queryFn: () => apiFetch<Me>("/api/me") });

export const useTopupList = () =>
  useQuery({
    queryKey: TOPUPS_QUERY,
    queryFn: async () => (await apiFetch<{ topups: Topup[] }>("/api/topups")).topups,
  });

/** Spend since a local midnight, from the log's own totals (one row asked for, totals are for the whole window). */
function useTotalsSince(id: string, from: Date) {
  return useQuery({
    queryKey: ["overview-totals", id, from.toISOString()],
    queryFn: () => apiFetch<UsagePageJson>(`/api/usage?limit=1&from=${encodeURIComponent(from.toISOString())}`),
    select: (p) => p.totals,
  });
}

export function useSpend() {
  const starts = localPeriodStarts();
  return { today: useTotalsSince("today", starts.today), month: useTotalsSince("month", starts.month) };
}

export const useRecent = () =>
  useQuery({ queryKey: ["overview-recent"], queryFn: () => apiFetch<UsagePageJson>("/api/usage?limit=5") });

/** Any successful call ever made by the account's keys ends the first-run checklist. */
export const useFirstSuccess = () =>
  useQuery({
    queryKey: ["overview-first-success"],
    queryFn: () => apiFetch<UsagePageJson>("/api/usage?limit=1&status=success&from=1970-01-01"),
    select: (p) => p.items.length > 0,
  });

export const useDaily30 = () =>
  useQuery({
    queryKey: ["overview-daily"],
    queryFn: () => {
      const from = new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10);
      return apiFetch<DailyJson>(`/api/usage/daily?from=${from}`);
    },
  });

/** Spend per UTC day over the window, zero-filled, oldest first. */
export function spendByDay(d: DailyJson | undefined): { day: string; costMicro: number }[] {
  if (!d) return [];
  const sums = new Map<string, number>();
  for (const r of d.days) sums.set(r.day, (sums.get(r.day) ?? 0) + Number(r.costMicro));
  const out: { day: string; costMicro: number }[] = [];
  for (let t = Date.parse(d.from.slice(0, 10)); t <= Date.parse(d.to); t += 86_400_000) {
    const day = new Date(t).toISOString().slice(0, 10);
    out.push({ day, costMicro: sums.get(day) ?? 0 });
  }
  return out;
}
