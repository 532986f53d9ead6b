import Link from "next/link";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { findSession, sessionToken } from "@/lib/auth/session";
import { getAccountSummary } from "@/lib/billing/account";
import { formatUsd } from "@/lib/format";
import { PageHeader } from "../_components/page-header";

export const metadata = { title: "Overview" };

export default async function Overview() {
  const session = await findSession(sessionToken((await headers()).get("cookie")));
  if (!session) redirect("/");
  const account = await getAccountSummary(session.accountId);
  return (
    <>
      <PageHeader title="Overview" description="Your prepaid balance, keys and usage at a glance." />
      <div className="grid gap-4 sm:grid-cols-3">
        <div className="card p-5">
          <p className="muted text-sm">Balance</p>
          <p className="mt-1 text-3xl font-semibold tabular-nums" data-testid="overview-balance">
            {formatUsd(account.balanceMicro)}
          </p>
          <Link href="/billing" className="mt-3 inline-block text-sm text-accent-600 hover:underline dark:text-accent-400">
            Top up →
          </Link>
        </div>
        <div className="card p-5">
          <p className="muted text-sm">API keys</p>
          <p className="mt-1 text-sm">Create a key to call the API from your code.</p>
          <Link href="/keys" className="mt-3 inline-block text-sm text-accent-600 hover:underline dark:text-accent-400">
            Manage keys →
          </Link>
        </div>
        <div className="card p-5">
          <p className="muted text-sm">Usage</p>
          <p className="mt-1 text-sm">Every metered request and what it cost.</p>
          <Link href="/usage" className="mt-3 inline-block text-sm text-accent-600 hover:underline dark:text-accent-400">
            View usage →
          </Link>
        </div>
      </div>
    </>
  );
}
