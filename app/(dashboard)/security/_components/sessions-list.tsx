"use client";
import { SectionHead } from "@/components/ui/section-head";
import { useZone } from "@/components/time";
import { Alert, errorMessage } from "@/components/ui/alert";
import { QueryState } from "./query-state";
import { browserOf } from "./describe";
import { useEndSessions, useSessions } from "./security-api";

const fmt = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

export function SessionsList() {
  const sessions = useSessions();
  const zone = useZone();
  const end = useEndSessions();
  const list = sessions.data ?? [];
  const others = list.filter((s) => !s.current).length;

  return (
    <section aria-labelledby="sessions-h" className="mb-10">
      <SectionHead
        id="sessions-h"
        title="Sessions"
        className="mb-3"
        description={
          <p className="muted text-sm">Browsers signed in to this account. Sign out any you don’t recognise.</p>
        }
        action={
          <button
            type="button"
            className="btn-secondary"
            disabled={others === 0 || end.isPending}
            onClick={() => end.mutate("others")}
            data-testid="sign-out-others"
          >
            Sign out everywhere else
          </button>
        }
      />
      {end.isError ? <Alert className="mb-3">{errorMessage(end.error)}</Alert> : null}
      <QueryState query={sessions} what="sessions">
        <ul className="card divide-y divide-zinc-200 dark:divide-zinc-800" data-testid="sessions">
          {list.map((s) => (
            <li
              key={s.id}
              className="flex flex-wrap items-center gap-x-6 gap-y-1 px-4 py-3 text-sm"
              data-testid="session-row"
            >
              <div className="min-w-[12rem] flex-1">
                <span className="font-medium" title={s.userAgent ?? undefined}>
                  {browserOf(s.userAgent)}
                </span>
                {s.current ? (
                  <span className="ml-2 rounded-full bg-accent-50 px-2 py-0.5 text-xs font-medium text-accent-700 dark:bg-accent-500/10 dark:text-accent-400">
                    This browser
                  </span>
                ) : null}
                <span className="muted block font-mono text-xs">{s.ip ?? "address unknown"}</span>
              </div>
              <div className="muted text-xs">
                Signed in {fmt.format(new Date(s.createdAt))}
                <br />
                Last seen {fmt.format(new Date(s.lastSeenAt))}
              </div>
              {s.current ? null : (
                <button
                  type="button"
                  className="btn-ghost"
                  disabled={end.isPending}
                  onClick={() => end.mutate({ id: s.id })}
                >
                  Sign out
                </button>
              )}
            </li>
          ))}
        </ul>
        {zone ? <p className="muted mt-2 text-xs">Times in {zone}</p> : null}
      </QueryState>
    </section>
  );
}
