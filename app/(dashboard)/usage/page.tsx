import { Suspense } from "react";
import { PageHeader } from "../_components/page-header";
import { UsageView } from "./_components/usage-view";

export const metadata = { title: "Usage" };

export default function Page() {
  return (
    <>
      <PageHeader
        title="Usage"
        description="What you spent and on what: every metered request, by day, key and model."
      />
      {/* The view reads its filters from the URL, which needs a Suspense boundary. */}
      <Suspense
        fallback={
          <div className="h-96 animate-pulse rounded-lg bg-zinc-100 dark:bg-zinc-900" aria-label="Loading usage" />
        }
      >
        <UsageView />
      </Suspense>
    </>
  );
}
