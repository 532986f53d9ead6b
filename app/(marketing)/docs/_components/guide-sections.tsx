import { StepCard } from "@/components/site-header";
import Link from "next/link";
import { Anchor, C, Callout, Code, P } from "./docs-ui";

const link = "font-medium text-accent-600 hover:underline dark:text-accent-400";

export function QuickStart({ origin }: { origin: string }) {
  const steps = [
    {
      title: "Connect your wallet",
      body: (
        <>
          Phantom, Backpack or Solflare. You sign one message: your wallet is your account, with no e-mail or password.{" "}
          <Link href="/" className={link}>
            Connect
          </Link>
        </>
      ),
    },
    {
      title: "Top up",
      body: (
        <>
          Send USDC or $ROUTER from your wallet. The deposit is verified on-chain and credited to your prepaid balance.{" "}
          <Link href="/billing" className={link}>
            Billing
          </Link>
        </>
      ),
    },
    {
      title: "Create an API key",
      body: (
        <>
          Name it after the app that uses it. The secret is shown once: copy it into an environment variable.{" "}
          <Link href="/keys" className={link}>
            Keys
          </Link>
        </>
      ),
    },
    {
      title: "Call the API",
      body: (
        <>
          Send the key as a Bearer token to <C>POST /agent</C>. Each call is billed from your balance.
        </>
      ),
    },
  ];
  return (
    <section>
      <Anchor id="quick-start">Quick start</Anchor>
      <ol className="mt-5 grid gap-3 sm:grid-cols-2">
        {steps.map((s, i) => (
          <li key={s.title} className="card p-4">
            <StepCard step={i + 1} title={s.title}>
              {s.body}
            </StepCard>
          </li>
        ))}
      </ol>
      <Code title="shell">{`export SOLROUTER_API_KEY=sk_solrouter_…   # from the Keys page

curl ${origin}/agent \\
  -H "Authorization: Bearer $SOLROUTER_API_KEY" \\
  -H "Content-Type: application/json" \\
  -d '{"model":"gpt-oss:20b","prompt":"Hello"}'`}</Code>
      <P>
        Or with the TypeScript SDK (<C>npm install @solrouter/sdk</C>), which reads <C>SOLROUTER_API_KEY</C> from the
        environment and retries rate-limited calls for you:
      </P>
      <Code title="typescript">{`import { SolRouter } from "@solrouter/sdk";

const client = new SolRouter({ baseUrl: "${origin}" });
const res = await client.agent({ model: "gpt-oss:20b", prompt: "Hello" });
console.log(res.output, res.costMicro); // costMicro: integer micro-USD`}</Code>
    </section>
  );
}

export function Authentication({ origin }: { origin: string }) {
  return (
    <section>
      <Anchor id="authentication">Authentication</Anchor>
      <P>
        <C>POST /agent</C> accepts three kinds of credentials, tried in this order. A request with none of them is
        answered with <C>402 payment_required</C>, which names both ways to pay.
      </P>

      <Anchor id="api-keys" level={3}>
        1. API key — prepaid balance
      </Anchor>
      <P>
        Send <C>Authorization: Bearer sk_solrouter_…</C>. Calls are billed from your prepaid balance at the per-token
        prices below; a failed call costs nothing. Keys are 51 characters: <C>sk_solrouter_</C>, 32 random letters and
        digits, and a 6-character checksum, so a mistyped key is refused at once with <C>invalid_api_key</C>. Solrouter
        stores only a SHA-256 hash of each key and shows it exactly once, when you create it.
      </P>
      <P>
        Each key can have an expiry date, a spend cap per UTC calendar day, week or month (a call that would exceed it
        is refused with <C>402 key_spend_limit</C>) and a list of the models it may call (others are{" "}
        <C>403 model_not_allowed</C>). An account can have up to 25 active keys.
      </P>

      <Anchor id="x402" level={3}>
        2. x402 — pay per call, no key
      </Anchor>
      <P>
        Call <C>POST /agent</C> without an <C>Authorization</C> header and it answers <C>402</C> with a{" "}
        <C>PAYMENT-REQUIRED</C> header: the price, the USDC mint and where to pay. An x402 client signs a USDC transfer
        for exactly that amount and repeats the call with a <C>PAYMENT-SIGNATURE</C> header; the answer carries the
        receipt in <C>PAYMENT-RESPONSE</C>. A call costs what a prepaid call would reserve for its body (prompt size and{" "}
        <C>maxTokens</C>), at least the model&apos;s x402 minimum. Nothing to sign up for: this suits agents that hold
        their own wallet. Machine-readable discovery lives at{" "}
        <a href="/.well-known/x402" className={link}>
          /.well-known/x402
        </a>{" "}
        and, with each operation&apos;s price and schemas, in{" "}
        <a href="/openapi.json" className={link}>
          /openapi.json
        </a>
        .
      </P>
      <Code title="typescript">{`import { SolRouter } from "@solrouter/sdk";
import { createKeyPairSignerFromBytes } from "@solana/kit";

const signer = await createKeyPairSignerFromBytes(secretKeyBytes); // a wallet holding USDC
const client = new SolRouter({
  baseUrl: "${origin}",
  x402: { signer, maxPaymentMicro: 50_000 }, // never pay more than $0.05 per call
});
const res = await client.agent({ model: "gpt-oss:20b", prompt: "Hello" });`}</Code>
      <P>
        The SDK needs the optional peers <C>@x402/fetch @x402/svm @solana/kit</C> in this mode. A payment that is
        invalid, too small, expired or already used is refused with <C>402 payment_invalid</C>.
      </P>
      <P>
        <strong>Already have a balance?</strong> Every 402 also offers a <C>sign-in-with-x</C> challenge (x402&apos;s
        Sign In With X, a SIWS message). A wallet whose Solrouter account has the balance signs it and repeats the call
        with the <C>sign-in-with-x</C> header: the call is billed from the balance like a key&apos;s, and no USDC moves.
        Without the balance the answer is the 402 again. Each proof works once, for 5 minutes, on this site only. In the
        SDK, add <C>signIn: true</C> to the <C>x402</C> options (and install <C>@x402/extensions</C>).
      </P>

      <Anchor id="internal-jwt" level={3}>
        3. Internal JWT — Solrouter products only
      </Anchor>
      <P>
        Solrouter&apos;s own first-party products authenticate with short-lived signed tokens (EdDSA/Ed25519 or ES256,
        at most 15 minutes, audience <C>solrouter-api</C>). No endpoint issues them and they are{" "}
        <strong>not available to outside developers</strong>: use an API key or x402. An invalid or expired token is
        refused with <C>401 invalid_token</C>.
      </P>
    </section>
  );
}

export function KeySafety() {
  const rules: [string, React.ReactNode][] = [
    [
      "Keep it in an environment variable",
      <>
        Load it from <C>SOLROUTER_API_KEY</C> (or your platform&apos;s secret store), not from source code.
      </>,
    ],
    [
      "Never commit it",
      <>
        Keep <C>.env</C> files out of git. If a key ever reached a repository, treat it as leaked even after deleting
        the commit.
      </>,
    ],
    [
      "Never ship it to browsers or apps",
      <>
        Anyone who can read client-side code can spend your balance. Call Solrouter from your server; in the browser use
        x402 with the user&apos;s own wallet.
      </>,
    ],
    [
      "One key per app",
      <>
        Separate keys for production, staging and each service let you revoke one without breaking the rest, and show
        who spent what on the Usage page.
      </>,
    ],
    [
      "Set an expiry and a spend cap",
      <>
        A monthly cap limits what a leaked or runaway key can cost; an expiry makes forgotten keys stop on their own.
      </>,
    ],
    [
      "Roll or revoke a leaked key at once",
      <>
        On the Keys page, <strong>Roll</strong> gives the key a new secret and ends the old one immediately, in 1 hour
        or in 24 hours; <strong>Revoke</strong> stops it for good, immediately.
      </>,
    ],
  ];
  return (
    <section>
      <Anchor id="key-safety">Keeping keys safe</Anchor>
      <P>An API key spends your prepaid balance. Treat it like a password.</P>
      <ul className="mt-4 space-y-3">
        {rules.map(([title, body]) => (
          <li key={title} className="flex gap-3">
            <span className="mt-1.5 h-1.5 w-1.5 shrink-0 rounded-full bg-accent-500" aria-hidden="true" />
            <p className="leading-7 text-zinc-700 dark:text-zinc-300">
              <span className="font-medium text-zinc-900 dark:text-zinc-100">{title}.</span> {body}
            </p>
          </li>
        ))}
      </ul>
      <Callout tone="warn" title="Think a key leaked?">
        Roll it with no grace period on the{" "}
        <Link href="/keys" className="underline">
          Keys page
        </Link>
        , deploy the new secret, and check the Usage page for calls you do not recognise.
      </Callout>
    </section>
  );
}
