import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import OpenAI from "openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { generateText, streamText } from "ai";
import { wrapFetchWithPayment } from "@x402/fetch";
import { decodePaymentRequiredHeader } from "@x402/core/http";
import { overrideEnv } from "@/lib/env";
import { resetRuntime } from "@/lib/runtime";
import { testDbKinds, openTestDb, type TestDb } from "@/lib/test/db";
import { serveRoutes } from "@/lib/test/serve";
import { signedInAccount } from "@/lib/test/session";
import { postLedgerEntry } from "@/lib/billing/ledger";
import { generateApiKey } from "@/lib/keys/format";
import { resetKeyCache } from "@/lib/keys/resolve";
import { resetGateway } from "@/lib/gateway/runtime";
import { GET as listModels } from "@/app/v1/models/route";
import { startMockModel, type MockModel } from "@/lib/test/mock-model";
import { catalogueCost, standInUsage } from "@/lib/test/catalogue";
import { spawnLocalnet, type SpawnedLocalnet } from "@/localnet/spawn";
import { createTestPayer, tokenBalance, type TestPayer } from "@/lib/test/x402-payer";

// Clients we did not write — the official `openai` package, the Vercel AI SDK and @x402/fetch —
// against our route handlers on a real HTTP port, with a funded key and the stand-in model. What
// each call costs is computed here from the catalogue's prices (as GET /v1/models publishes them,
// read with the openai package) and the stand-in's token counts, rounded up to the micro-dollar.

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
const ROUTE_FILE = path.join(process.cwd(), "app/v1/chat/completions/route.ts");
const routeExists = fs.existsSync(ROUTE_FILE);
// A variable specifier: this file must typecheck and load before the route exists (issue 12 lands in parts).
const ROUTE_MODULE = "@/app/v1/chat/completions/route";

interface PricedModel {
  id: string;
  pricing: { inputPriceMicroPerMTok: number; outputPriceMicroPerMTok: number };
}
const MAX_TOKENS = 64;
const messages = [
  { role: "system" as const, content: "You are terse." },
  { role: "user" as const, content: "Tell me about the x402 protocol and Solana, please" },
];

describe.skipIf(!routeExists)(
  `real clients against POST /v1/chat/completions${routeExists ? "" : " — SKIPPED: app/v1/chat/completions/route.ts is not in this tree yet"}`,
  () => {
    let dir: string;
    let ln: SpawnedLocalnet;
    let upstream: MockModel;
    let route: { POST: Handler };

    beforeAll(async () => {
      route = (await import(/* @vite-ignore */ ROUTE_MODULE)) as { POST: Handler };
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "clients-test-"));
      ln = await spawnLocalnet({ port: 0, dataDir: path.join(dir, "localnet"), quiet: true });
      upstream = await startMockModel();
      overrideEnv({
        APP_URL: "http://localhost:3000",
        UPSTREAM_URL: upstream.url,
        SOLANA_CLUSTER: "localnet",
        SOLANA_RPC_URL: ln.info.rpcUrl,
        USDC_MINT: ln.info.usdcMint,
        ROUTER_MINT: ln.info.routerMint,
        TREASURY_ADDRESS: ln.info.treasury,
        DATA_DIR: path.join(dir, "app"),
        X402_FACILITATOR: "local",
        KEY_RATE_LIMIT_PER_MINUTE: "1000000",
        KEY_RATE_LIMIT_BURST: "100000",
      });
    }, 120_000);
    afterAll(async () => {
      await upstream?.close();
      await ln?.stop();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    describe.each(testDbKinds())("on %s", (kind) => {
      let db: TestDb;
      let server: Awaited<ReturnType<typeof serveRoutes>>;
      let payer: TestPayer;
      let expected: { prompt_tokens: number; completion_tokens: number; cost: bigint };
      let model: PricedModel;

      beforeAll(async () => {
        db = await openTestDb(kind);
        await resetRuntime({ db });
        await resetKeyCache();
        await resetGateway();
        server = await serveRoutes({
          "/v1/chat/completions": { POST: route.POST },
          "/v1/models": { GET: listModels as Handler },
        });
        payer = await createTestPayer({ rpcUrl: ln.info.rpcUrl, mints: [ln.info.usdcMint] });
        const listed = await new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "unused" }).models.list();
        model = listed.data[0] as unknown as PricedModel;
        expect(model.pricing.inputPriceMicroPerMTok).toBeGreaterThan(0);
        const usage = await standInUsage(upstream.url, { model: model.id, messages, max_tokens: MAX_TOKENS });
        expected = { ...usage, cost: catalogueCost(model.pricing, usage.prompt_tokens, usage.completion_tokens) };
      }, 120_000);
      afterAll(async () => {
        await server?.close();
        await resetGateway();
        await resetRuntime();
        await db?.close();
      });

      /** A fresh account with `funded` micro-USD and an API key on it. */
      async function fundedKey(funded = 1_000_000n) {
        const { accountId } = await signedInAccount();
        const k = generateApiKey();
        await db.query("INSERT INTO api_keys (account_id, name, key_hash, start) VALUES ($1, 'clients', $2, $3)", [
          accountId,
          k.hash,
          k.start,
        ]);
        await postLedgerEntry({
          accountId,
          amountMicro: funded,
          kind: "adjustment",
          reference: `test:${crypto.randomUUID()}`,
        });
        const spent = async () => {
          const [row] = await db.query<{ balance_micro: string }>("SELECT balance_micro FROM accounts WHERE id = $1", [
            accountId,
          ]);
          return funded - BigInt(row!.balance_micro);
        };
        return { secret: k.secret, spent };
      }

      /** The usage record of call `id` (the completion id is the usage event's, e.g. "gen_42"): what was charged. */
      async function recorded(id: string) {
        const [row] = await db.query<{ cost_micro: string; input_tokens: number; output_tokens: number }>(
          "SELECT cost_micro, input_tokens, output_tokens FROM usage_events WHERE id = $1",
          [id.replace(/^\D+/, "")],
        );
        return row && { cost: BigInt(row.cost_micro), input: row.input_tokens, output: row.output_tokens };
      }

      const openai = (apiKey: string) => new OpenAI({ baseURL: `${server.url}/v1`, apiKey, maxRetries: 0 });

      it("openai: chat.completions.create returns the answer, its usage and the catalogue cost", async () => {
        const key = await fundedKey();
        const { data, response } = await openai(key.secret)
          .chat.completions.create({ model: model.id, messages, max_tokens: MAX_TOKENS })
          .withResponse();
        expect(data.object).toBe("chat.completion");
        expect(data.choices[0]?.message.content).toContain("stand-in");
        expect(data.usage).toMatchObject({
          prompt_tokens: expected.prompt_tokens,
          completion_tokens: expected.completion_tokens,
          total_tokens: expected.prompt_tokens + expected.completion_tokens,
        });
        const cost = (data.usage as unknown as { cost_micro: number }).cost_micro;
        expect(BigInt(cost)).toBe(expected.cost);
        expect(response.headers.get("x-solrouter-cost-micro")).toBe(String(expected.cost));
        expect(response.headers.get("x-request-id")).toBeTruthy();
        expect((await recorded(data.id))?.cost).toBe(expected.cost);
        expect(await key.spent()).toBe(expected.cost);
      });

      it("openai: stream: true yields the text, then the usage chunk, and charges the same", async () => {
        const key = await fundedKey();
        const stream = await openai(key.secret).chat.completions.create({
          model: model.id,
          messages,
          max_tokens: MAX_TOKENS,
          stream: true,
          stream_options: { include_usage: true },
        });
        let text = "";
        let last: OpenAI.Chat.Completions.ChatCompletionChunk | undefined;
        for await (const chunk of stream) {
          text += chunk.choices[0]?.delta.content ?? "";
          last = chunk;
        }
        expect(text).toContain("stand-in");
        expect(last?.choices).toEqual([]);
        expect(last?.usage).toMatchObject({
          prompt_tokens: expected.prompt_tokens,
          completion_tokens: expected.completion_tokens,
        });
        expect(BigInt((last!.usage as unknown as { cost_micro: number }).cost_micro)).toBe(expected.cost);
        expect((await recorded(last!.id))?.cost).toBe(expected.cost);
        expect(await key.spent()).toBe(expected.cost);
      });

      it("openai: a repeat with the same Idempotency-Key gets the stored answer and is charged once", async () => {
        const key = await fundedKey();
        const client = openai(key.secret);
        const body = { model: model.id, messages, max_tokens: MAX_TOKENS };
        const idem = { headers: { "Idempotency-Key": `clients-${crypto.randomUUID()}` } };
        const first = await client.chat.completions.create(body, idem).withResponse();
        const again = await client.chat.completions.create(body, idem).withResponse();
        expect(again.data.id).toBe(first.data.id);
        expect(again.response.headers.get("idempotent-replayed")).toBe("true");
        expect(await key.spent()).toBe(expected.cost);
        const other = await client.chat.completions
          .create({ ...body, max_tokens: MAX_TOKENS + 1 }, idem)
          .catch((e: unknown) => e);
        expect(other).toBeInstanceOf(OpenAI.APIError);
        expect((other as InstanceType<typeof OpenAI.APIError>).status).toBe(409);
        expect(await key.spent()).toBe(expected.cost);
      });

      const aiProvider = (apiKey: string) =>
        createOpenAICompatible({ name: "solrouter", baseURL: `${server.url}/v1`, apiKey, includeUsage: true });

      it("Vercel AI SDK: generateText reads the text and the token usage; the call costs the catalogue price", async () => {
        const key = await fundedKey();
        const result = await generateText({
          model: aiProvider(key.secret)(model.id),
          system: messages[0]!.content,
          prompt: messages[1]!.content,
          maxOutputTokens: MAX_TOKENS,
          maxRetries: 0,
        });
        expect(result.text).toContain("stand-in");
        expect(result.usage.inputTokens).toBe(expected.prompt_tokens);
        expect(result.usage.outputTokens).toBe(expected.completion_tokens);
        expect((await recorded(result.response.id))?.cost).toBe(expected.cost);
        expect(await key.spent()).toBe(expected.cost);
      });

      it("Vercel AI SDK: streamText streams the text and reports the usage; the call costs the same", async () => {
        const key = await fundedKey();
        const result = streamText({
          model: aiProvider(key.secret)(model.id),
          system: messages[0]!.content,
          prompt: messages[1]!.content,
          maxOutputTokens: MAX_TOKENS,
          maxRetries: 0,
        });
        let text = "";
        for await (const part of result.textStream) text += part;
        expect(text).toContain("stand-in");
        const usage = await result.usage;
        expect(usage.inputTokens).toBe(expected.prompt_tokens);
        expect(usage.outputTokens).toBe(expected.completion_tokens);
        expect((await recorded((await result.response).id))?.cost).toBe(expected.cost);
        expect(await key.spent()).toBe(expected.cost);
      });

      it("@x402/fetch: pays the 402 challenge and gets the completion; the payer is charged the quoted price", async () => {
        const url = `${server.url}/v1/chat/completions`;
        const init = () => ({
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ model: model.id, messages, max_tokens: MAX_TOKENS }),
        });
        const unpaid = await fetch(url, init());
        expect(unpaid.status).toBe(402);
        const quote = decodePaymentRequiredHeader(unpaid.headers.get("payment-required")!);
        const amount = BigInt(quote.accepts[0]!.amount);
        const before = await tokenBalance(ln.info.rpcUrl, payer.address, ln.info.usdcMint);
        const paidFetch = wrapFetchWithPayment(fetch, payer.client);
        const res = await paidFetch(url, init());
        expect(res.status).toBe(200);
        const body = (await res.json()) as {
          choices: { message: { content: string } }[];
          usage: { cost_micro: number };
        };
        expect(body.choices[0]?.message.content).toContain("stand-in");
        expect(BigInt(body.usage.cost_micro)).toBe(amount);
        expect(res.headers.get("x-solrouter-cost-micro")).toBe(String(amount));
        expect(await tokenBalance(ln.info.rpcUrl, payer.address, ln.info.usdcMint)).toBe(before - amount);
      });
    });
  },
);
