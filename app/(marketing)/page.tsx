import Link from "next/link";
import { redirect } from "next/navigation";
import { SiteFooter, SiteHeader, StepCard } from "@/components/site-header";
import { ConnectButton } from "@/components/wallet/connect-button";
import { getSession } from "@/lib/auth/current";
import { MODELS } from "@/lib/models";
import { formatUsd } from "@/lib/format";
import { CodeBlock } from "@/components/ui/code-block";
import { safeNextPath } from "@/lib/http/next-path";

export const dynamic = "force-dynamic";

const STEPS = [
  {
    title: "Connect your wallet",
    body: "Phantom, Backpack or Solflare. You sign one message; there is no account to create and no password.",
  },
  {
    title: "Top up with USDC or $ROUTER",
    body: "Send from your wallet. The deposit is verified on-chain and credited once, to the micro-dollar.",
  },
  {
    title: "Call the API",
    body: "Create a key and call POST /agent. Or skip the key entirely and pay each call with x402.",
  },
];

const SNIPPET = `curl https://solrouter.com/agent \\
  -H "Authorization: Bearer $SOLROUTER_API_KEY" \\
  -H "Content-Type: application/json" \\
  -d '{"model":"gpt-oss:20b","prompt":"Hello!"}'`;

const SDK_SNIPPET = `import OpenAI from "openai";

const client = new OpenAI({
  baseURL: "https://solrouter.com/v1",
  apiKey: process.env.SOLROUTER_API_KEY,
});

const reply = await client.chat.completions.create({
  model: "gpt-oss:20b",
  messages: [{ role: "user", content: "Hello!" }],
});
console.log(reply.choices[0].message.content);`;

export default async function Landing({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const session = await getSession().catch(() => null);
  // Sent here from a dashboard page (`/?next=`): signed in already, go straight back.
  const next = (await searchParams).next;
  const asked = typeof next === "string" ? next : undefined;
  if (asked !== undefined && session) redirect(safeNextPath(asked));
  const cta = session ? (
    <Link href="/dashboard" className="btn-primary">
      Open dashboard
    </Link>
  ) : (
    <ConnectButton />
  );
  return (
    <>
      <SiteHeader right={<div className="ml-2">{cta}</div>} />
      <main id="main" tabIndex={-1}>
        <section className="mx-auto grid max-w-6xl items-center gap-10 px-4 pb-12 pt-16 sm:px-6 sm:pt-24 lg:grid-cols-2">
          <div className="min-w-0">
            <p className="mb-4 inline-flex rounded-full border border-zinc-200 px-3 py-1 text-xs text-zinc-600 dark:border-zinc-800 dark:text-zinc-400">
              No sign-up · Prepaid in USDC · Pay per call with x402
            </p>
            {asked !== undefined && (
              <p role="status" className="mb-4 font-medium" data-testid="sign-in-to-continue">
                Sign in to continue.
              </p>
            )}
            <h1 className="max-w-3xl text-4xl font-semibold tracking-tight sm:text-5xl">
              LLM calls, paid from your Solana wallet.
            </h1>
            <p className="muted mt-5 max-w-2xl text-lg">
              Your wallet is your account. Top up a prepaid balance, create API keys, and see every request and what it
              cost — or let your agents pay per call, with no key at all.
            </p>
            <div className="mt-8 flex flex-wrap gap-3">
              {cta}
              <Link href="/docs" className="btn-secondary">
                Read the docs
              </Link>
            </div>
          </div>
          <CodeBlock code={SDK_SNIPPET} label="TypeScript · OpenAI SDK" className="shadow-xl" />
        </section>

        <section className="mx-auto grid max-w-6xl gap-4 px-4 sm:grid-cols-3 sm:px-6">
          {STEPS.map((s, i) => (
            <div key={s.title} className="card p-5">
              <StepCard step={i + 1} title={s.title} titleAs="h2">
                {s.body}
              </StepCard>
            </div>
          ))}
        </section>

        <section className="mx-auto grid max-w-6xl gap-6 px-4 py-16 sm:px-6 lg:grid-cols-2">
          <div className="min-w-0">
            <h2 className="text-xl font-semibold">One endpoint</h2>
            <p className="muted mt-2 text-sm">
              An{" "}
              <Link href="/docs#openai" className="underline underline-offset-2">
                OpenAI-compatible
              </Link>{" "}
              model behind a single call. Failed calls cost nothing.
            </p>
            <CodeBlock code={SNIPPET} label="curl" className="mt-4" />
          </div>
          <div className="min-w-0">
            <h2 className="text-xl font-semibold">Models and prices</h2>
            <div className="card mt-4 overflow-x-auto" tabIndex={0} role="region" aria-label="Models and prices">
              <table className="w-full text-left text-sm">
                <thead className="muted border-b border-zinc-200 text-xs uppercase dark:border-zinc-800">
                  <tr>
                    <th className="whitespace-nowrap px-4 py-2 font-medium">Model</th>
                    <th className="whitespace-nowrap px-4 py-2 font-medium">Input / 1M</th>
                    <th className="whitespace-nowrap px-4 py-2 font-medium">Output / 1M</th>
                    <th className="whitespace-nowrap px-4 py-2 font-medium">x402 per call</th>
                  </tr>
                </thead>
                <tbody>
                  {MODELS.map((m) => (
                    <tr key={m.id} className="border-b border-zinc-100 last:border-0 dark:border-zinc-800">
                      <td className="whitespace-nowrap px-4 py-2 font-mono text-xs">{m.id}</td>
                      <td className="px-4 py-2 tabular-nums">
                        {formatUsd(m.inputPriceMicroPerMTok, { precise: true })}
                      </td>
                      <td className="px-4 py-2 tabular-nums">
                        {formatUsd(m.outputPriceMicroPerMTok, { precise: true })}
                      </td>
                      <td className="px-4 py-2 tabular-nums">{formatUsd(m.x402PriceMicro, { precise: true })}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        </section>
      </main>
      <SiteFooter />
    </>
  );
}
