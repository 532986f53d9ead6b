"use client";
import { SectionHead } from "@/components/ui/section-head";
import { ColumnHeads, zoned } from "@/components/ui/column-heads";
import { useZone } from "@/components/time";
import { QueryState } from "./query-state";
import { browserOf, describeEvent } from "./describe";
import { useActivity } from "./security-api";

const fmt = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });

export function ActivityTable() {
  const activity = useActivity();
  const zone = useZone();
  const events = activity.data?.pages.flatMap((p) => p.events) ?? [];

  return (
    <section aria-labelledby="activity-h">
      <SectionHead
        id="activity-h"
        title="Activity"
        className="mb-3"
        description={<p className="muted text-sm">Sign-ins, key changes and top-ups on this account, newest first.</p>}
        action={
          <a className="btn-secondary" href="/api/activity/export.csv" download data-testid="activity-export">
            Export CSV (UTC)
          </a>
        }
      />
      <QueryState query={activity} what="activity">
        {events.length === 0 ? (
          <p className="card muted px-5 py-6 text-sm">No activity yet.</p>
        ) : (
          <div className="card overflow-x-auto" tabIndex={0}>
            <table className="w-full text-sm" data-testid="activity">
              <thead className="muted text-left text-xs">
                {/* Narrow screens show address and browser under "What" instead of two more columns. */}
                <ColumnHeads
                  heads={[
                    [zoned("Time", zone), "px-3 py-2"],
                    ["What", "px-3 py-2"],
                    ["IP", "hidden px-3 py-2 sm:table-cell"],
                    ["Browser", "hidden px-3 py-2 sm:table-cell"],
                  ]}
                />
              </thead>
              <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
                {events.map((e) => (
                  <tr key={e.id} data-testid="activity-row">
                    <td className="whitespace-nowrap px-3 py-2 tabular-nums">
                      <time dateTime={e.at} title={e.at}>
                        {fmt.format(new Date(e.at))}
                      </time>
                    </td>
                    <td className="px-3 py-2">
                      {describeEvent(e)}
                      <span className="muted mt-0.5 block text-xs sm:hidden">
                        {[e.ip, e.userAgent ? browserOf(e.userAgent) : null].filter(Boolean).join(" · ")}
                      </span>
                    </td>
                    <td className="hidden whitespace-nowrap px-3 py-2 font-mono text-xs sm:table-cell">
                      {e.ip ?? "—"}
                    </td>
                    <td className="hidden px-3 py-2 sm:table-cell" title={e.userAgent ?? undefined}>
                      {e.userAgent ? browserOf(e.userAgent) : "—"}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryState>
      {activity.hasNextPage ? (
        <button
          type="button"
          className="btn-secondary mt-4"
          disabled={activity.isFetchingNextPage}
          onClick={() => void activity.fetchNextPage()}
        >
          {activity.isFetchingNextPage ? "Loading…" : "Load more"}
        </button>
      ) : null}
    </section>
  );
}
