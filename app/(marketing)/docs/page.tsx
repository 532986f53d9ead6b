import Link from "next/link";
import { headers } from "next/headers";
import { SiteHeader } from "@/components/site-header";
import { findSession, sessionToken } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { Toc, type TocItem } from "./_components/docs-ui";
import { Authentication, KeySafety, QuickStart } from "./_components/guide-sections";
import { ErrorsSection, ModelsSection, RateLimitsSection, RequestSection, ResponseSection } from "./_components/reference-sections";

export const metadata = {
  title: "Docs",
  description: "Call LLMs with POST /agent: API keys billed from a prepaid balance, or pay per call with x402.",
};

// The examples show this deployment's own origin and limits, which are known only at run time.
export const dynamic = "force-dynamic";

const TOC: TocItem[] = [
  { id: "quick-start", label: "Quick start" },
  {
    id: "authentication",
    label: "Authentication",
    children: [
      { id: "api-keys", label: "API key" },
      { id: "x402", label: "x402" },
      { id: "internal-jwt", label: "Internal JWT" },
    ],
  },
  { id: "key-safety", label: "Keeping keys safe" },
  { id: "request", label: "Request" },
  { id: "response", label: "Response" },
  { id: "errors", label: "Errors" },
  { id: "rate-limits", label: "Rate limits" },
  { id: "models", label: "Models and prices" },
];

export default async function DocsPage() {
  const e = env();
  const origin = e.appOrigin;
  // The docs are public; a signed-in reader gets a way back to their keys.
  const session = await findSession(sessionToken((await headers()).get("cookie"))).catch(() => null);
  return (
    <>
      <SiteHeader
        right={
          <Link href={session ? "/keys" : "/"} className="btn-secondary ml-2 hidden sm:inline-flex">
            {session ? "Your keys" : "Get started"}
          </Link>
        }
      />
      <div className="mx-auto grid max-w-6xl gap-10 px-4 py-10 sm:px-6 lg:grid-cols-[13rem_minmax(0,1fr)] lg:py-14">
        <aside>
          <Toc items={TOC} />
        </aside>
        <main className="min-w-0 max-w-3xl" data-testid="docs">
          <p className="text-sm font-medium text-accent-600 dark:text-accent-400">Documentation</p>
          <h1 className="mt-1 text-3xl font-semibold tracking-tight sm:text-4xl">The Solrouter API</h1>
          <p className="muted mt-3 text-lg leading-8">
            One endpoint, <code className="code">POST /agent</code>, for LLM calls paid from your Solana wallet: with an API key billed from a prepaid
            balance, or per call with x402.
          </p>
          <div>
            <QuickStart origin={origin} />
            <Authentication origin={origin} />
            <KeySafety />
            <RequestSection origin={origin} />
            <ResponseSection />
            <ErrorsSection />
            <RateLimitsSection perMinute={e.KEY_RATE_LIMIT_PER_MINUTE} burst={e.KEY_RATE_LIMIT_BURST} />
            <ModelsSection />
          </div>
        </main>
      </div>
      <footer className="border-t border-zinc-200 py-8 text-center text-xs text-zinc-500 dark:border-zinc-800">
        Solrouter · Pay-per-call LLMs for Solana wallets
      </footer>
    </>
  );
}
