"use client";
import Link from "next/link";
import { formatRecent, zoneNote } from "@/components/time";
import { formatUsd } from "@/lib/format";
import type { UsageItemJson } from "../../usage/_components/usage-params";

/** The last few calls, as a short list that fits a phone without a table. */
export function RecentRequests({ items }: { items: UsageItemJson[] | undefined }) {
  return (
    <section className="card p-5" aria-labelledby="recent-title">
      <div className="flex items-baseline justify-between gap-3">
        <h2 id="recent-title" className="text-base font-semibold">
          Recent requests
        </h2>
        <Link
          href="/usage"
          className="text-sm font-medium text-accent-700 underline-offset-2 hover:underline dark:text-accent-400"
        >
          View all<span className="sr-only"> requests</span>
        </Link>
      </div>
      {!items ? (
        <div className="mt-4 h-24 animate-pulse rounded bg-zinc-100 dark:bg-zinc-800/60" aria-hidden="true" />
      ) : items.length === 0 ? (
        <p className="muted mt-4 text-sm">No requests in the last 30 days.</p>
      ) : (
        <>
          <ul className="mt-3 divide-y divide-zinc-100 dark:divide-zinc-800" data-testid="recent-requests">
            {items.map((r) => (
              <li key={r.id} className="flex items-center justify-between gap-3 py-2 text-sm">
                <span className="min-w-0">
                  <span className="block truncate font-mono text-xs">{r.model}</span>
                  <span className="muted block text-xs">
                    <time dateTime={r.at}>{formatRecent(r.at)}</time>
                    {r.keyName ? ` · ${r.keyName}` : ""}
                  </span>
                </span>
                <span className="shrink-0 text-right tabular-nums">
                  <span className="block">{formatUsd(r.costMicro)}</span>
                  <span className={`block text-xs ${r.status < 300 ? "muted" : "text-red-700 dark:text-red-400"}`}>
                    {r.status}
                  </span>
                </span>
              </li>
            ))}
          </ul>
          <p className="muted mt-2 text-xs">{zoneNote()}</p>
        </>
      )}
    </section>
  );
}
