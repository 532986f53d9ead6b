import { ERROR_STATUS, type ErrorCode } from "@/lib/errors";
import { MODELS } from "@/lib/models";
import { formatUsd } from "@/lib/format";
import { Anchor, C, Callout, Code, P, Table } from "./docs-ui";

export function RequestSection({ origin }: { origin: string }) {
  return (
    <section>
      <Anchor id="request">Request</Anchor>
      <P>
        <C>POST {origin}/agent</C> with a JSON body of at most 1 MB and <C>Content-Type: application/json</C>.
      </P>
      <Table
        head={["Field", "Type", "Description"]}
        rows={[
          [<C key="p">prompt</C>, "string, required", "The text to send to the model."],
          [
            <C key="m">model</C>,
            "string, required",
            <>
              A model id from the{" "}
              <a href="#models" className="text-accent-600 underline underline-offset-2 dark:text-accent-400">
                table below
              </a>{" "}
              or <C>GET /api/models</C>.
            </>,
          ],
          [
            <C key="t">maxTokens</C>,
            "integer, optional",
            "Most output tokens to generate. Default 1,024; at most the model's maximum output.",
          ],
        ]}
      />
      <P>
        With an API key, your balance must cover the most the call could cost (the prompt plus <C>maxTokens</C> of
        output) when it starts; you are charged only for the tokens actually used, rounded up to the micro-dollar. A
        lower <C>maxTokens</C> lets small balances go further.
      </P>
    </section>
  );
}

export function ResponseSection() {
  return (
    <section>
      <Anchor id="response">Response</Anchor>
      <P>
        <C>200</C> with the model&apos;s output, the tokens counted and what the call cost. Money is always an integer
        number of micro-USD (1 USD = 1,000,000) in fields ending in <C>Micro</C>: <C>&quot;costMicro&quot;: 42</C> is
        $0.000042.
      </P>
      <Code title="200 OK">{`{
  "id": "gen_Xk2v9QhR0bLm3pT1",
  "model": "gpt-oss:20b",
  "output": "Hello! How can I help you today?",
  "usage": { "inputTokens": 12, "outputTokens": 9 },
  "costMicro": 3
}`}</Code>
      <P>
        Every error has the same shape, with a stable <C>code</C> to branch on and a <C>message</C> in plain words. Each
        response also carries an <C>x-request-id</C> header: quote it when asking for help.
      </P>
      <Code title="402 Payment Required">{`{
  "error": {
    "code": "insufficient_balance",
    "message": "Your balance is too low for this call. Top up in the dashboard."
  }
}`}</Code>
    </section>
  );
}

const AGENT_ERRORS: [ErrorCode, string][] = [
  ["invalid_request", "The body is not JSON, or prompt, model or maxTokens is missing or wrong. Fix the request."],
  ["unknown_model", "No such model. Pick one from GET /api/models."],
  ["invalid_api_key", "The key is malformed, fails its checksum or does not exist. Check for copy-paste mistakes."],
  ["revoked_api_key", "The key was revoked. Create a new one."],
  ["expired_api_key", "The key passed its expiry date, or the grace period after a roll ended. Use its replacement."],
  ["invalid_token", "An internal JWT was invalid or expired (first-party products only)."],
  ["insufficient_balance", "Your balance does not cover the call's maximum cost. Top up, or lower maxTokens."],
  [
    "key_spend_limit",
    "The call would exceed the key's spend cap for its period (day, week from Monday, or month; UTC). Raise the cap or wait for the next period.",
  ],
  ["model_not_allowed", "The key may call only the models in its allowlist; the message names them."],
  ["key_not_allowed", "A management key cannot call models unless it was created with canCallModels."],
  [
    "payment_required",
    "No credentials were sent. Send an API key, or pay with x402 using the PAYMENT-REQUIRED header.",
  ],
  ["payment_invalid", "The x402 payment was invalid, too small, expired or already used. Build a new payment."],
  ["payload_too_large", "The body is larger than 1 MB. Shorten the prompt."],
  ["idempotency_conflict", "This Idempotency-Key was used with another body (or its answer was too large to keep)."],
  ["idempotency_in_progress", "A request with this Idempotency-Key is still running. Wait, then repeat it."],
  ["rate_limited", "Too many requests. Wait the number of seconds in Retry-After, then retry."],
  ["upstream_error", "The model failed to answer. Nothing was charged; retrying is safe."],
  ["unavailable", "Solrouter is briefly unavailable. Retry with backoff."],
  [
    "internal_error",
    "Something went wrong on our side. Nothing was charged; retry, and quote x-request-id if it persists.",
  ],
];

const DASHBOARD_ERRORS: [ErrorCode, string][] = [
  ["unauthenticated", "No valid session: sign in with your wallet again."],
  ["bad_origin", "A state-changing dashboard request came from another site."],
  ["not_found", "No such key or top-up in your account."],
  ["key_not_allowed", "A Bearer key that is not a management key called an account route."],
  ["forbidden", "A management key tried to create or change a key beyond its own limits (cap, period, models)."],
  ["too_many_keys", "The account already has 25 active keys. Revoke one first."],
  ["deposit_invalid", "A top-up transaction does not match its intent; the message says why."],
];

function errorRows(list: [ErrorCode, string][]) {
  return list.map(([code, what]) => [
    <span key="s" className="font-mono tabular-nums">
      {ERROR_STATUS[code]}
    </span>,
    <C key="c">{code}</C>,
    what,
  ]);
}

export function ErrorsSection() {
  return (
    <section>
      <Anchor id="errors">Errors</Anchor>
      <P>
        Branch on <C>error.code</C>, not on the message. A call that fails costs nothing.
      </P>
      <Table head={["Status", "Code", "Meaning and what to do"]} rows={errorRows(AGENT_ERRORS)} testId="errors-table" />
      <Anchor id="dashboard-errors" level={3}>
        Dashboard API
      </Anchor>
      <P>The cookie-authenticated dashboard endpoints (keys, top-ups, usage) add these codes:</P>
      <Table head={["Status", "Code", "Meaning"]} rows={errorRows(DASHBOARD_ERRORS)} />
    </section>
  );
}

export function RateLimitsSection({ perMinute, burst }: { perMinute: number; burst: number }) {
  return (
    <section>
      <Anchor id="rate-limits">Rate limits</Anchor>
      <P>
        Each API key may send about {perMinute.toLocaleString("en")} requests a minute, in bursts of up to{" "}
        {burst.toLocaleString("en")}. Beyond that, calls are answered with <C>429 rate_limited</C> and a{" "}
        <C>Retry-After</C> header giving the seconds to wait. Nothing is charged for a refused call.
      </P>
      <Code title="429 Too Many Requests">{`HTTP/1.1 429 Too Many Requests
Retry-After: 2
Content-Type: application/json

{
  "error": {
    "code": "rate_limited",
    "message": "Too many requests for this API key. Slow down and retry."
  }
}`}</Code>
      <P>
        The SDK waits out <C>Retry-After</C> and retries automatically (up to <C>maxRetries</C>, default 2). If you need
        more throughput, spread the load over time rather than over more keys.
      </P>
    </section>
  );
}

export function ModelsSection() {
  return (
    <section>
      <Anchor id="models">Models and prices</Anchor>
      <P>
        Prepaid calls are charged per token at the prices below. x402 calls pay per call what a prepaid call would
        reserve (the prompt&apos;s bytes as tokens plus the requested maximum output), at least the price in the last
        column. The same list is served as JSON at <C>GET /api/models</C>.
      </P>
      <Table
        testId="models-table"
        head={["Model", "Context", "Max output", "Input per 1M", "Output per 1M", "x402 minimum per call"]}
        rows={MODELS.map((m) => [
          <span key="id">
            <C>{m.id}</C>
            <span className="muted block pt-1 text-xs">{m.label}</span>
          </span>,
          <span key="c" className="tabular-nums">
            {m.contextLength.toLocaleString("en")}
          </span>,
          <span key="o" className="tabular-nums">
            {m.maxOutputTokens.toLocaleString("en")}
          </span>,
          <span key="i" className="tabular-nums">
            {formatUsd(m.inputPriceMicroPerMTok, { precise: true })}
          </span>,
          <span key="u" className="tabular-nums">
            {formatUsd(m.outputPriceMicroPerMTok, { precise: true })}
          </span>,
          <span key="x" className="tabular-nums">
            {formatUsd(m.x402PriceMicro, { precise: true })}
          </span>,
        ])}
      />
      <Callout title="Example">
        A {MODELS[0]!.id} call with a 1,000-token prompt and 500 tokens of output costs{" "}
        {formatUsd(
          BigInt(
            Math.ceil(
              (1000 * MODELS[0]!.inputPriceMicroPerMTok + 500 * MODELS[0]!.outputPriceMicroPerMTok) / 1_000_000,
            ),
          ),
          { precise: true },
        )}{" "}
        from your balance.
      </Callout>
    </section>
  );
}
