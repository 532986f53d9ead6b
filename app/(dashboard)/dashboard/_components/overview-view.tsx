"use client";
import Link from "next/link";
import { useKeys } from "../../keys/_components/keys-api";
import { QueryErrorAlert } from "@/components/ui/alert";
import { formatUsd } from "@/lib/format";
import { FirstRun } from "./first-run";
import { spendByDay, useDaily30, useFirstSuccess, useMe, useRecent, useSpend, useTopupList } from "./overview-data";
import { RecentRequests } from "./recent-requests";
import { SpendChart } from "./spend-chart";

const count = new Intl.NumberFormat("en-US");
const linkCls = "text-sm font-medium text-accent-700 underline-offset-2 hover:underline dark:text-accent-400";

function Placeholder({ w = "w-32" }: { w?: string }) {
  return <span className={`inline-block h-8 ${w} animate-pulse rounded bg-zinc-200 align-middle dark:bg-zinc-800`} />;
}

/** "About 12 days at your current spend", from the last 7 days' average. */
function runway(balanceMicro: number, days: { costMicro: number }[]): string {
  const week = days.slice(-7);
  const perDay = week.reduce((s, d) => s + d.costMicro, 0) / Math.max(week.length, 1);
  if (perDay <= 0) return "No spend in the last 7 days.";
  const left = balanceMicro / perDay;
  const span = left < 1 ? "less than a day" : left > 365 ? "over a year" : `about ${Math.floor(left)} days`;
  return `Lasts ${span} at your current spend (${formatUsd(Math.max(1, Math.round(perDay)))}/day, 7-day average).`;
}

function BalanceCard({ days }: { days: { costMicro: number }[] | null }) {
  const me = useMe();
  return (
    <section className="card p-5" aria-labelledby="ov-balance">
      <h2 id="ov-balance" className="muted text-sm">
        Balance
      </h2>
      {me.isError ? (
        <QueryErrorAlert query={me} className="mt-2" title="We couldn’t load your account." />
      ) : (
        <p className="mt-1 text-3xl font-semibold tabular-nums" data-testid="overview-balance">
          {me.data ? formatUsd(me.data.balanceMicro) : <Placeholder />}
        </p>
      )}
      <p className="muted mt-2 text-sm" data-testid="overview-runway">
        {me.data && days ? runway(me.data.balanceMicro, days) : "\u00a0"}
      </p>
      <Link href="/billing" className={`mt-3 inline-block ${linkCls}`}>
        Add funds
      </Link>
    </section>
  );
}

function SpendCard() {
  const spend = useSpend();
  const daily = useDaily30();
  const days = spendByDay(daily.data);
  const figure = (q: typeof spend.today) =>
    q.data ? formatUsd(q.data.costMicro) : q.isError ? "—" : <Placeholder w="w-20" />;
  return (
    <section className="card p-5 lg:col-span-2" aria-labelledby="ov-spend">
      <h2 id="ov-spend" className="muted text-sm">
        Spend
      </h2>
      <dl className="mt-1 flex flex-wrap gap-x-10 gap-y-2">
        <div>
          <dt className="muted text-xs">Today</dt>
          <dd className="text-2xl font-semibold tabular-nums" data-testid="overview-today">
            {figure(spend.today)}
          </dd>
        </div>
        <div>
          <dt className="muted text-xs">This month</dt>
          <dd className="text-2xl font-semibold tabular-nums" data-testid="overview-month">
            {figure(spend.month)}
          </dd>
        </div>
        <div>
          <dt className="muted text-xs">Requests this month</dt>
          <dd className="text-2xl font-semibold tabular-nums">
            {spend.month.data ? count.format(spend.month.data.requests) : "\u00a0"}
          </dd>
        </div>
      </dl>
      <p className="muted mt-1 text-xs">
        Today and this month in your time zone; the chart shows the last 30 UTC days.
      </p>
      {daily.data ? <SpendChart days={days} /> : <div className="mt-4 h-16" />}
    </section>
  );
}

export function OverviewView() {
  const keys = useKeys();
  const topups = useTopupList();
  const recent = useRecent();
  const firstSuccess = useFirstSuccess();
  const daily = useDaily30();
  const active = keys.data?.filter((k) => k.status === "active" && !k.replacedBy).length;
  const steps = {
    toppedUp: !!topups.data?.some((t) => t.status === "credited"),
    hasKey: !!keys.data?.length,
    called: !!firstSuccess.data || !!keys.data?.some((k) => k.lastUsedAt),
  };
  const loaded = topups.data && keys.data && firstSuccess.data !== undefined;
  return (
    <div className="space-y-6">
      {loaded && !steps.called ? <FirstRun steps={steps} /> : null}
      <div className="grid gap-6 lg:grid-cols-3">
        <BalanceCard days={daily.data ? spendByDay(daily.data) : null} />
        <SpendCard />
      </div>
      <div className="grid gap-6 lg:grid-cols-3">
        <section className="card p-5" aria-labelledby="ov-keys">
          <h2 id="ov-keys" className="muted text-sm">
            Active keys
          </h2>
          <p className="mt-1 text-3xl font-semibold tabular-nums" data-testid="overview-keys">
            {active ?? (keys.isError ? "—" : <Placeholder w="w-10" />)}
          </p>
          <Link href="/keys" className={`mt-3 inline-block ${linkCls}`}>
            Manage keys
          </Link>
        </section>
        <div className="lg:col-span-2">
          <RecentRequests items={recent.data?.items} />
        </div>
      </div>
    </div>
  );
}
