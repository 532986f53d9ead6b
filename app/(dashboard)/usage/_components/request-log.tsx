"use client";
import { ColumnHeads, zoned } from "@/components/ui/column-heads";
import type { UseInfiniteQueryResult, InfiniteData } from "@tanstack/react-query";
import { formatUsd } from "@/lib/format";
import { Spinner } from "@/components/ui/spinner";
import { useZone } from "@/components/time";
import { RequestCards } from "./request-cards";
import type { UsageItemJson, UsagePageJson } from "./usage-params";

export const count = new Intl.NumberFormat("en-US");
export const timeFmt = new Intl.DateTimeFormat(undefined, {
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});

export function StatusBadge({ status }: { status: number }) {
  const tone =
    status >= 200 && status < 300
      ? "bg-emerald-50 text-emerald-700 ring-emerald-600/20 dark:bg-emerald-500/10 dark:text-emerald-400 dark:ring-emerald-400/20"
      : status >= 500
        ? "bg-red-50 text-red-700 ring-red-600/20 dark:bg-red-500/10 dark:text-red-400 dark:ring-red-400/20"
        : "bg-amber-50 text-amber-800 ring-amber-600/20 dark:bg-amber-500/10 dark:text-amber-400 dark:ring-amber-400/20";
  return (
    <span className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium tabular-nums ring-1 ring-inset ${tone}`}>
      {status}
    </span>
  );
}

function Row({ item }: { item: UsageItemJson }) {
  return (
    <tr className="align-top" data-testid="usage-row">
      <td className="whitespace-nowrap px-3 py-2 tabular-nums">
        <time dateTime={item.at} title={item.at}>
          {timeFmt.format(new Date(item.at))}
        </time>
      </td>
      <td className="max-w-[14rem] px-3 py-2">
        {item.keyId ? (
          <>
            <span className="block truncate" title={item.keyName ?? undefined}>
              {item.keyName ?? "Deleted key"}
            </span>
            {item.keyStart ? <span className="muted block font-mono text-xs">{item.keyStart}</span> : null}
          </>
        ) : (
          <span className="muted">No key</span>
        )}
      </td>
      <td className="whitespace-nowrap px-3 py-2 font-mono text-xs">{item.model}</td>
      <td className="whitespace-nowrap px-3 py-2 text-right tabular-nums">
        {count.format(item.inputTokens)} <span className="muted">/</span> {count.format(item.outputTokens)}
      </td>
      <td className="whitespace-nowrap px-3 py-2 text-right tabular-nums">
        {formatUsd(item.costMicro, { precise: true })}
      </td>
      <td className="whitespace-nowrap px-3 py-2 text-right tabular-nums">{count.format(item.latencyMs)} ms</td>
      <td className="px-3 py-2">
        <StatusBadge status={item.status} />
      </td>
    </tr>
  );
}

export function RequestLog({ log }: { log: UseInfiniteQueryResult<InfiniteData<UsagePageJson>> }) {
  const items = log.data?.pages.flatMap((p) => p.items) ?? [];
  const zone = useZone();
  return (
    <div className="overflow-hidden rounded-lg border border-zinc-200 dark:border-zinc-800">
      {/* A phone gets one card per request; the table needs more width than it has. */}
      <RequestCards items={items} pending={log.isPending} zone={zone} />
      <div className="hidden bg-white md:block dark:bg-zinc-900">
        <table className="w-full text-left text-sm" aria-busy={log.isPending}>
          <caption className="sr-only">Request log, newest first{zone ? `, times in ${zone}` : ""}</caption>
          <thead className="border-b border-zinc-200 bg-zinc-50 text-xs uppercase tracking-wide text-zinc-500 dark:border-zinc-800 dark:bg-zinc-900/60 dark:text-zinc-400">
            <ColumnHeads
              heads={[
                [zoned("Time", zone), "px-3 py-2"],
                ["Key", "px-3 py-2"],
                ["Model", "px-3 py-2"],
                ["Tokens in / out", "px-3 py-2 text-right"],
                ["Cost", "px-3 py-2 text-right"],
                ["Latency", "px-3 py-2 text-right"],
                ["Status", "px-3 py-2"],
              ]}
            />
          </thead>
          <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {log.isPending
              ? Array.from({ length: 6 }, (_, i) => (
                  <tr key={i} aria-hidden="true">
                    {Array.from({ length: 7 }, (_, j) => (
                      <td key={j} className="px-3 py-3">
                        <div className="h-4 animate-pulse rounded bg-zinc-100 dark:bg-zinc-800" />
                      </td>
                    ))}
                  </tr>
                ))
              : items.map((item) => <Row key={item.id} item={item} />)}
          </tbody>
        </table>
      </div>
      {log.hasNextPage || log.isFetchNextPageError ? (
        <div className="flex items-center justify-center gap-3 border-t border-zinc-200 bg-white p-3 dark:border-zinc-800 dark:bg-zinc-900">
          {log.isFetchNextPageError ? (
            <span className="text-sm text-red-700 dark:text-red-400">Could not load more: {log.error?.message}</span>
          ) : null}
          <button
            type="button"
            className="btn-secondary"
            disabled={log.isFetchingNextPage}
            onClick={() => log.fetchNextPage()}
            data-testid="load-more"
          >
            {log.isFetchingNextPage ? <Spinner /> : null}
            {log.isFetchingNextPage ? "Loading…" : "Load more"}
          </button>
        </div>
      ) : items.length > 0 ? (
        <p className="muted border-t border-zinc-200 bg-white p-3 text-center text-xs dark:border-zinc-800 dark:bg-zinc-900">
          That is every request that matches.
        </p>
      ) : null}
    </div>
  );
}
