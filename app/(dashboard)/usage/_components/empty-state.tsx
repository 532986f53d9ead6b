"use client";
import Link from "next/link";
import { useSyncExternalStore } from "react";
import { CopyButton } from "@/components/ui/copy-button";

const noop = () => () => {};

// Shown when the account has made no call at all: how to make the first one.
export function EmptyState() {
  const origin = useSyncExternalStore(
    noop,
    () => window.location.origin,
    () => "https://your-solrouter-host",
  );
  const curl = `curl ${origin}/agent \\
  -H "Authorization: Bearer $SOLROUTER_API_KEY" \\
  -H "Content-Type: application/json" \\
  -d '{"model": "gpt-oss:20b", "prompt": "Say hello"}'`;
  return (
    <div className="card p-5 sm:p-6" data-testid="usage-empty">
      <h2 className="text-lg font-semibold">No requests in the last 30 days</h2>
      <p className="muted mt-1 max-w-2xl text-sm">
        Every call to the API shows up here within seconds: what it cost, which key made it and how long it took. To
        make your first one,{" "}
        <Link href="/keys" className="text-accent-600 hover:underline dark:text-accent-400">
          create an API key
        </Link>
        , put it in <code className="code">SOLROUTER_API_KEY</code> and run:
      </p>
      <div className="relative mt-4">
        <pre
          tabIndex={0}
          className="overflow-x-auto rounded-md bg-zinc-950 p-4 pr-20 text-xs leading-relaxed text-zinc-100 dark:bg-black/40"
        >
          <code>{curl}</code>
        </pre>
        <CopyButton value={curl} className="absolute right-2 top-2" />
      </div>
      <p className="muted mt-3 text-sm">
        Calls are paid from your prepaid balance (
        <Link href="/billing" className="text-accent-600 hover:underline dark:text-accent-400">
          top up
        </Link>
        ). The{" "}
        <Link href="/docs" className="text-accent-600 hover:underline dark:text-accent-400">
          docs
        </Link>{" "}
        cover the SDK, models and errors.
      </p>
    </div>
  );
}
