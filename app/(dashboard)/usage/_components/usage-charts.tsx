"use client";
import { QueryErrorAlert } from "@/components/ui/alert";
import { useMemo } from "react";
import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "@/components/api";
import { formatUsd } from "@/lib/format";
import { StackedBarChart } from "./stacked-bar-chart";
import { daysBetween, modelColor, type DailyJson } from "./usage-params";

const dayLabel = (d: string) =>
  new Date(`${d}T00:00:00Z`).toLocaleDateString("en-US", { month: "short", day: "numeric", timeZone: "UTC" });
const count = new Intl.NumberFormat("en-US");
const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });

const spendLabel = (v: bigint) => formatUsd(v, { precise: true });

function usdAxis(micro: number): string {
  if (micro === 0) return "$0";
  if (micro >= 1_000_000_000) return `$${compact.format(micro / 1_000_000)}`;
  return formatUsd(Math.round(micro));
}

function toChart(data: DailyJson | undefined) {
  const { from, to, days } = data ?? { from: "", to: "", days: [] };
  const categories = data ? daysBetween(from, to) : [];
  const models = [...new Set(days.map((d) => d.model))].sort();
  const series = models.map((m) => ({ id: m, label: m, color: modelColor(models, m) }));
  const index = new Map(categories.map((c, i) => [c, i]));
  const spend = categories.map(() => models.map(() => 0n));
  const requests = categories.map(() => models.map(() => 0n));
  for (const d of days) {
    const i = index.get(d.day);
    const j = models.indexOf(d.model);
    if (i === undefined || j < 0) continue;
    spend[i]![j] = BigInt(d.costMicro);
    requests[i]![j] = BigInt(d.requests);
  }

  return { categories, series, spend, requests };
}

export function UsageCharts({ query }: { query: string }) {
  const daily = useQuery({
    queryKey: ["usage-daily", query],
    queryFn: () => apiFetch<DailyJson>(`/api/usage/daily?${query}`),
  });
  // Stable arrays: the charts rebuild their canvas only when these change, not on every hover.
  const chart = useMemo(() => toChart(daily.data), [daily.data]);

  if (daily.isPending) {
    return (
      <div className="grid gap-4 lg:grid-cols-2" aria-busy="true" aria-label="Loading charts">
        {[0, 1].map((i) => (
          <div key={i} className="card p-4">
            <div className="mb-3 h-4 w-32 animate-pulse rounded bg-zinc-200 dark:bg-zinc-800" />
            <div className="h-[200px] animate-pulse rounded bg-zinc-100 dark:bg-zinc-800/60" />
          </div>
        ))}
      </div>
    );
  }
  if (daily.isError) {
    return <QueryErrorAlert query={daily} title="We couldn’t load the charts." />;
  }

  const { categories, series, spend, requests } = chart;
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      {[
        {
          title: "Daily spend by model",
          testId: "chart-spend",
          values: spend,
          format: spendLabel,
          formatAxis: usdAxis,
        },
        {
          title: "Requests per day",
          testId: "chart-requests",
          values: requests,
          format: (v: bigint) => count.format(v),
          formatAxis: (v: number) => compact.format(v),
        },
      ].map((panel) => (
        <div key={panel.testId} className="card overflow-hidden p-4">
          <StackedBarChart {...panel} categories={categories} series={series} formatCategory={dayLabel} />
        </div>
      ))}
    </div>
  );
}
