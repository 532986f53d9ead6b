import Link from "next/link";
import { SiteFooter, SiteHeader } from "@/components/site-header";
import { getSession } from "@/lib/auth/current";
import { env } from "@/lib/env";
import { Toc, type TocItem } from "./_components/docs-ui";
import { Authentication, KeySafety, QuickStart } from "./_components/guide-sections";
import { OpenAiSection } from "./_components/openai-section";
import { HttpSignIn, TerminalSignIn } from "./_components/sign-in-sections";
import {
  ErrorsSection,
  ModelsSection,
  RateLimitsSection,
  RequestSection,
  ResponseSection,
} from "./_components/reference-sections";

export const metadata = {
  title: "Docs",
  description:
    "Call LLMs with POST /agent or the OpenAI-compatible /v1/chat/completions: API keys billed from a prepaid balance, or pay per call with x402.",
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
  { id: "sign-in-terminal", label: "Sign in from the terminal" },
  { id: "sign-in-http", label: "Sign in over HTTP" },
  { id: "request", label: "Request" },
  { id: "response", label: "Response" },
  {
    id: "openai",
    label: "OpenAI-compatible API",
    children: [
      { id: "streaming", label: "Streaming" },
      { id: "openai-clients", label: "openai / AI SDK" },
      { id: "idempotency", label: "Idempotency-Key" },
    ],
  },
  { id: "errors", label: "Errors" },
  { id: "rate-limits", label: "Rate limits" },
  { id: "models", label: "Models and prices" },
];

export default async function DocsPage() {
  const e = env();
  const origin = e.appOrigin;
  // The docs are public; a signed-in reader gets a way back to their keys.
  const session = await getSession().catch(() => null);
  return (
    <>
      <SiteHeader
        right={
          <Link href={session ? "/dashboard" : "/"} className="btn-secondary ml-2">
            {session ? "Dashboard" : "Get started"}
          </Link>
        }
      />
      <div className="mx-auto grid max-w-6xl gap-10 px-4 py-10 sm:px-6 lg:grid-cols-[13rem_minmax(0,1fr)] lg:py-14">
        <aside>
          <Toc items={TOC} />
        </aside>
        <main id="main" tabIndex={-1} className="min-w-0 max-w-3xl" data-testid="docs">
          <p className="text-sm font-medium text-accent-600 dark:text-accent-400">Documentation</p>
          <h1 className="mt-1 text-3xl font-semibold tracking-tight sm:text-4xl">The Solrouter API</h1>
          <p className="muted mt-3 text-lg leading-8">
            <code className="code">POST /agent</code>, or the{" "}
            <a href="#openai" className="text-accent-600 hover:underline dark:text-accent-400">
              OpenAI-compatible
            </a>{" "}
            <code className="code">POST /v1/chat/completions</code> (streaming, idempotent retries), for LLM calls paid
            from your Solana wallet: with an API key billed from a prepaid balance, or per call with x402.
          </p>
          <p className="muted mt-3 text-sm leading-6" data-testid="docs-machine-readable">
            Machine-readable: the{" "}
            <a href="/openapi.json" className="text-accent-600 underline dark:text-accent-400">
              OpenAPI 3.1 document
            </a>{" "}
            (every endpoint with its schemas, errors and x402 prices) and{" "}
            <a href="/llms.txt" className="text-accent-600 underline dark:text-accent-400">
              llms.txt
            </a>{" "}
            for agents.
          </p>
          <div>
            <QuickStart origin={origin} />
            <Authentication origin={origin} />
            <KeySafety />
            <TerminalSignIn origin={origin} />
            <HttpSignIn origin={origin} />
            <RequestSection origin={origin} />
            <ResponseSection />
            <OpenAiSection origin={origin} />
            <ErrorsSection />
            <RateLimitsSection perMinute={e.KEY_RATE_LIMIT_PER_MINUTE} burst={e.KEY_RATE_LIMIT_BURST} />
            <ModelsSection />
          </div>
        </main>
      </div>
      <SiteFooter />
    </>
  );
}
