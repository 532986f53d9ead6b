"use client";
import { formatUsd } from "@/lib/format";
import { count, StatusBadge, timeFmt } from "./request-log";
import type { UsageItemJson } from "./usage-params";

/** The request log below the sm breakpoint: every field visible without sideways scrolling. */
export function RequestCards({ items, pending, zone }: { items: UsageItemJson[]; pending: boolean; zone: string }) {
  if (pending)
    return (
      <div className="space-y-2 bg-white p-3 md:hidden dark:bg-zinc-900" aria-hidden="true">
        {Array.from({ length: 4 }, (_, i) => (
          <div key={i} className="h-16 animate-pulse rounded bg-zinc-100 dark:bg-zinc-800" />
        ))}
      </div>
    );
  return (
    <div className="bg-white md:hidden dark:bg-zinc-900">
      {zone ? <p className="muted px-3 pt-3 text-xs">Times in {zone}</p> : null}
      <ul className="divide-y divide-zinc-100 dark:divide-zinc-800" aria-label="Request log, newest first">
        {items.map((item) => (
          <li key={item.id} className="px-3 py-3 text-sm" data-testid="usage-card">
            <div className="flex items-start justify-between gap-3">
              <div className="min-w-0">
                <p className="truncate font-mono text-xs">{item.model}</p>
                <p className="muted truncate text-xs">
                  <time dateTime={item.at}>{timeFmt.format(new Date(item.at))}</time> ·{" "}
                  {item.keyId ? (item.keyName ?? "Deleted key") : "No key"}
                </p>
              </div>
              <div className="shrink-0 text-right">
                <p className="tabular-nums">{formatUsd(item.costMicro, { precise: true })}</p>
                <StatusBadge status={item.status} />
              </div>
            </div>
            <p className="muted mt-1 text-xs tabular-nums">
              {count.format(item.inputTokens)} in / {count.format(item.outputTokens)} out ·{" "}
              {count.format(item.latencyMs)} ms
            </p>
          </li>
        ))}
      </ul>
    </div>
  );
}
