import { describe, expect, it } from "vitest";
import { internalToken, jwtSigner } from "@/lib/test/internal-jwt";
import { testDbKinds } from "@/lib/test/db";
import { testRuntime } from "@/lib/test/runtime";
import { call } from "@/lib/test/http";
import { signedInAccount } from "@/lib/test/session";
import { postLedgerEntry } from "@/lib/billing/ledger";
import { generateApiKey } from "@/lib/keys/format";
import { MODELS } from "@/lib/models";
import { POST as agent } from "@/app/agent/route";

// Prices pinned: what a call costs is computed here from the catalogue's prices and the token
// counts the model server reports, independently of the gateway's own cost code, and the
// answer, the usage record, the balance and the key's monthly spend must all equal it.

const MICRO_PER_MTOK = 1_000_000n;

/** Catalogue price × tokens, rounded UP to the micro-dollar (we never undercharge a fraction). */
function expectedCost(modelId: string, promptTokens: number, completionTokens: number) {
  const m = MODELS.find((x) => x.id === modelId)!;
  const scaled =
    BigInt(promptTokens) * BigInt(m.inputPriceMicroPerMTok) +
    BigInt(completionTokens) * BigInt(m.outputPriceMicroPerMTok);
  const whole = scaled / MICRO_PER_MTOK;
  return { cost: scaled % MICRO_PER_MTOK === 0n ? whole : whole + 1n, fractional: scaled % MICRO_PER_MTOK !== 0n };
}

/** The token counts the stand-in reports for the request the gateway sends it for /agent. */
async function upstreamUsage(url: string, model: string, prompt: string, maxTokens: number) {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    body: JSON.stringify({
      model: MODELS.find((m) => m.id === model)!.upstreamModel,
      messages: [{ role: "user", content: prompt }],
      max_tokens: maxTokens,
    }),
  });
  const { usage } = (await res.json()) as { usage: { prompt_tokens: number; completion_tokens: number } };
  return usage;
}

const longPrompt = Array.from({ length: 60 }, (_, i) => `word${i}`).join(" ");
const CASES = [
  { model: MODELS[0]!.id, prompt: "hello there", maxTokens: 64 },
  { model: MODELS[1]!.id, prompt: longPrompt, maxTokens: 512 },
  { model: MODELS[0]!.id, prompt: longPrompt, maxTokens: 3 }, // output cut at max tokens
  { model: MODELS[1]!.id, prompt: "héllo, ünïcode and emoji 🚀 here", maxTokens: 100 },
];

describe.each(testDbKinds())("/agent charges exactly the catalogue price of the tokens used (%s)", (kind) => {
  let privateKey: CryptoKey;
  const { db, model: upstream } = testRuntime(kind, {
    model: true,
    env: async () => {
      const signer = await jwtSigner();
      privateKey = signer.privateKey;
      return {
        APP_URL: "http://localhost:3000",
        INTERNAL_JWT_PUBLIC_KEYS: signer.jwks,
        KEY_RATE_LIMIT_PER_MINUTE: "1000000",
        KEY_RATE_LIMIT_BURST: "100000",
      };
    },
  });

  it("the cases exercise rounding up and different prices", async () => {
    const fractions = await Promise.all(
      CASES.map(
        async (c) =>
          expectedCost(
            c.model,
            ...(Object.values(await upstreamUsage(upstream.url, c.model, c.prompt, c.maxTokens)) as [number, number]),
          ).fractional,
      ),
    );
    expect(fractions).toContain(true);
    expect(new Set(CASES.map((c) => c.model)).size).toBe(2);
  });

  it.each(CASES)(
    "an API key call to $model (maxTokens $maxTokens) costs catalogue price × upstream tokens",
    async (c) => {
      const { accountId } = await signedInAccount();
      const k = generateApiKey();
      const [key] = await db.query<{ id: string }>(
        "INSERT INTO api_keys (account_id, name, key_hash, start, spend_cap_micro) VALUES ($1, 'prices', $2, $3, 5000000) RETURNING id",
        [accountId, k.hash, k.start],
      );
      const funded = 2_000_000n;
      await postLedgerEntry({
        accountId,
        amountMicro: funded,
        kind: "adjustment",
        reference: `test:${crypto.randomUUID()}`,
      });
      const usage = await upstreamUsage(upstream.url, c.model, c.prompt, c.maxTokens);
      const { cost } = expectedCost(c.model, usage.prompt_tokens, usage.completion_tokens);

      const res = await call(agent, {
        method: "POST",
        path: "/agent",
        origin: null,
        body: c,
        headers: { authorization: `Bearer ${k.secret}` },
      });
      expect(res.status).toBe(200);
      expect(res.json.usage).toEqual({ inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens });
      expect(BigInt(res.json.costMicro)).toBe(cost);

      const [acct] = await db.query<{ balance_micro: string }>("SELECT balance_micro FROM accounts WHERE id = $1", [
        accountId,
      ]);
      expect(funded - BigInt(acct!.balance_micro)).toBe(cost);
      const [ev] = await db.query<{ cost_micro: string; input_tokens: number; output_tokens: number }>(
        "SELECT cost_micro, input_tokens, output_tokens FROM usage_events WHERE account_id = $1",
        [accountId],
      );
      expect({ cost: BigInt(ev!.cost_micro), input: ev!.input_tokens, output: ev!.output_tokens }).toEqual({
        cost,
        input: usage.prompt_tokens,
        output: usage.completion_tokens,
      });
      const [spend] = await db.query<{ period_spend_micro: string }>(
        "SELECT period_spend_micro FROM api_keys WHERE id = $1",
        [key!.id],
      );
      expect(BigInt(spend!.period_spend_micro)).toBe(cost);
    },
  );

  it.each(CASES)("an internal JWT call to $model (maxTokens $maxTokens) is metered at the same price", async (c) => {
    const usage = await upstreamUsage(upstream.url, c.model, c.prompt, c.maxTokens);
    const { cost } = expectedCost(c.model, usage.prompt_tokens, usage.completion_tokens);
    const jwt = await internalToken(privateKey);
    const requestId = `prices-${crypto.randomUUID()}`;
    const res = await call(agent, {
      method: "POST",
      path: "/agent",
      origin: null,
      body: c,
      headers: { authorization: `Bearer ${jwt}`, "x-request-id": requestId },
    });
    expect(res.status).toBe(200);
    expect(BigInt(res.json.costMicro)).toBe(cost);
    const [ev] = await db.query<{ cost_micro: string }>("SELECT cost_micro FROM usage_events WHERE request_id = $1", [
      requestId,
    ]);
    expect(BigInt(ev!.cost_micro)).toBe(cost);
  });
});
