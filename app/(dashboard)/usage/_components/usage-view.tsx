"use client";
import { SectionHead } from "@/components/ui/section-head";
import { QueryErrorAlert } from "@/components/ui/alert";
import { useMemo } from "react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { apiFetch } from "@/components/api";
import { formatUsd } from "@/lib/format";
import { FiltersBar } from "./filters-bar";
import { SummaryCards } from "./summary-cards";
import { UsageCharts } from "./usage-charts";
import { RequestLog } from "./request-log";
import { EmptyState } from "./empty-state";
import { LowBalanceSettings } from "./low-balance-settings";
import {
  apiParams,
  hasNarrowingFilters,
  pageSearch,
  readUiFilters,
  type SummaryJson,
  type UiFilters,
  type UsagePageJson,
} from "./usage-params";

const count = new Intl.NumberFormat("en-US");

export function UsageView() {
  const router = useRouter();
  const pathname = usePathname();
  const search = useSearchParams();
  const filters = useMemo(() => readUiFilters(new URLSearchParams(search.toString())), [search]);
  // One "now" per filter choice, so the log, charts and export ask for exactly the same window.
  const query = useMemo(() => apiParams(filters, new Date()).toString(), [filters]);
  const setFilters = (f: UiFilters) => router.replace(`${pathname}${pageSearch(f)}`, { scroll: false });

  const log = useInfiniteQuery({
    queryKey: ["usage-log", query],
    queryFn: ({ pageParam }) =>
      apiFetch<UsagePageJson>(`/api/usage?${query}${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ""}`),
    initialPageParam: "",
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const summary = useQuery({ queryKey: ["usage-summary"], queryFn: () => apiFetch<SummaryJson>("/api/usage/summary") });

  const totals = log.data?.pages[0]?.totals;
  const items = log.data?.pages.flatMap((p) => p.items) ?? [];
  const seenKeys = [
    ...new Map(
      items
        .filter((i) => i.keyId)
        .map((i) => [i.keyId!, { id: i.keyId!, name: i.keyName ?? "Deleted key", start: i.keyStart ?? "" }]),
    ).values(),
  ];
  const neverCalled =
    summary.data?.last30Days.requests === 0 && totals?.requests === 0 && !hasNarrowingFilters(filters);

  return (
    <div className="flex flex-col gap-6">
      <SummaryCards />
      <FiltersBar
        filters={filters}
        onChange={setFilters}
        extraKeys={seenKeys}
        extraModels={[...new Set(items.map((i) => i.model))]}
      />
      <UsageCharts query={query} />
      <section aria-labelledby="log-title" className="flex flex-col gap-3">
        <SectionHead
          id="log-title"
          title="Requests"
          description={
            <p className="muted text-sm tabular-nums" data-testid="usage-totals" aria-live="polite">
              {totals
                ? `${count.format(totals.requests)} ${totals.requests === 1 ? "request" : "requests"} · ${formatUsd(totals.costMicro, { precise: true })} · ${count.format(totals.inputTokens)} input / ${count.format(totals.outputTokens)} output tokens`
                : log.isError
                  ? ""
                  : "Loading…"}
            </p>
          }
          action={
            <a href={`/api/usage/export.csv?${query}`} download className="btn-secondary" data-testid="export-csv">
              <svg
                width="14"
                height="14"
                viewBox="0 0 16 16"
                aria-hidden="true"
                fill="none"
                stroke="currentColor"
                strokeWidth="1.5"
                strokeLinecap="round"
              >
                <path d="M8 2v8m0 0L5 7m3 3 3-3M3 12v1.5h10V12" />
              </svg>
              Export CSV (UTC)
            </a>
          }
        />
        {log.isError && !log.data ? (
          <QueryErrorAlert query={log} title="We couldn’t load your requests." />
        ) : neverCalled ? (
          <EmptyState />
        ) : totals?.requests === 0 ? (
          <div className="card p-6 text-center" data-testid="usage-no-match">
            <p className="font-medium">No requests match these filters</p>
            <p className="muted mt-1 text-sm">Try a longer date range or another key, model or status.</p>
            <button type="button" className="btn-secondary mt-3" onClick={() => setFilters({ range: "30d" })}>
              Clear filters
            </button>
          </div>
        ) : (
          <RequestLog log={log} />
        )}
      </section>
      <LowBalanceSettings />
    </div>
  );
}
