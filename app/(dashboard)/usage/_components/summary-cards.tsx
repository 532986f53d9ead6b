"use client";
import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "@/components/api";
import { formatUsd } from "@/lib/format";
import type { SummaryJson } from "./usage-params";

const count = new Intl.NumberFormat("en-US");

export function SummaryCards() {
  const q = useQuery({ queryKey: ["usage-summary"], queryFn: () => apiFetch<SummaryJson>("/api/usage/summary") });
  const cards = [
    { id: "today", label: "Today", hint: "since 00:00 UTC", data: q.data?.today },
    { id: "7d", label: "Last 7 days", hint: "UTC days, incl. today", data: q.data?.last7Days },
    { id: "30d", label: "Last 30 days", hint: "UTC days, incl. today", data: q.data?.last30Days },
  ];
  return (
    // One compact row per period on a phone, three cards side by side from sm up.
    <section aria-label="Spend and requests" className="grid gap-2 sm:grid-cols-3 sm:gap-3">
      {cards.map((c) => (
        <div
          key={c.id}
          className="card flex items-center justify-between gap-3 px-4 py-3 sm:block sm:p-4"
          data-testid={`card-${c.id}`}
        >
          <p className="muted text-sm">
            {c.label} <span className="hidden text-xs sm:inline">· {c.hint}</span>
          </p>
          {c.data ? (
            <div className="text-right sm:text-left">
              <p
                className="text-lg font-semibold tabular-nums sm:mt-1 sm:text-2xl"
                title={formatUsd(c.data.costMicro, { precise: true })}
              >
                {formatUsd(c.data.costMicro)}
              </p>
              <p className="muted text-xs tabular-nums sm:text-sm">
                {count.format(c.data.requests)} {c.data.requests === 1 ? "request" : "requests"}
              </p>
            </div>
          ) : q.isError ? (
            <p className="text-sm text-red-700 sm:mt-2 dark:text-red-400">Could not load.</p>
          ) : (
            <div aria-hidden="true" className="flex flex-col items-end sm:items-start">
              <div className="h-6 w-24 animate-pulse rounded bg-zinc-200 sm:mt-2 sm:h-7 dark:bg-zinc-800" />
              <div className="mt-2 h-4 w-20 animate-pulse rounded bg-zinc-100 dark:bg-zinc-800/60" />
            </div>
          )}
        </div>
      ))}
    </section>
  );
}
