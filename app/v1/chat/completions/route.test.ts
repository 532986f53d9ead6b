import { afterAll, beforeAll, describe, expect, it } from "vitest";
import OpenAI from "openai";
import { internalToken, jwtSigner } from "@/lib/test/internal-jwt";
import { overrideEnv } from "@/lib/env";
import { setDb } from "@/lib/db";
import { testDbKinds, installTestDb, type TestDb } from "@/lib/test/db";
import { bearer, call } from "@/lib/test/http";
import { serveRoutes } from "@/lib/test/serve";
import { signedInAccount } from "@/lib/test/session";
import { postLedgerEntry } from "@/lib/billing/ledger";
import { checkLedger } from "@/lib/billing/ledger-check";
import { generateApiKey } from "@/lib/keys/format";
import { invalidateKey, resetKeyCache } from "@/lib/keys/resolve";
import { gateway, resetGateway } from "@/lib/gateway/runtime";
import { SseParser } from "@/lib/gateway/sse-parser";
import { MODELS } from "@/lib/models";
import { startMockModel, type MockModel } from "@/lib/test/mock-model";
import { POST as chat } from "./route";
import { GET as generation } from "../../generations/[id]/route";
import { POST as agent } from "@/app/agent/route";

// Costs are computed here from the catalogue's prices and the stand-in's token counts (rounded
// UP to the micro-dollar), independently of the gateway's cost code.
function expectedCost(modelId: string, promptTokens: number, completionTokens: number): bigint {
  const m = MODELS.find((x) => x.id === modelId)!;
  const scaled =
    BigInt(promptTokens) * BigInt(m.inputPriceMicroPerMTok) +
    BigInt(completionTokens) * BigInt(m.outputPriceMicroPerMTok);
  return (scaled + 999_999n) / 1_000_000n;
}

/** What the stand-in reports for the messages the gateway forwards (asked directly, not streamed). */
async function upstreamUsage(url: string, body: { model: string; messages: unknown[]; max_tokens: number }) {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    body: JSON.stringify({ ...body, stream: false, model: MODELS.find((m) => m.id === body.model)!.upstreamModel }),
  });
  const { usage } = (await res.json()) as { usage: { prompt_tokens: number; completion_tokens: number } };
  return usage;
}

async function makeKey(accountId: string) {
  const k = generateApiKey();
  const db = await (await import("@/lib/db")).getDb();
  const [row] = await db.query<{ id: string }>(
    "INSERT INTO api_keys (account_id, name, key_hash, start) VALUES ($1, 'v1', $2, $3) RETURNING id",
    [accountId, k.hash, k.start],
  );
  return { id: row!.id, secret: k.secret };
}
const fund = (accountId: string, micro: bigint) =>
  postLedgerEntry({ accountId, amountMicro: micro, kind: "adjustment", reference: `test:${crypto.randomUUID()}` });

interface StreamRead {
  status: number;
  headers: Headers;
  events: string[];
  comments: number;
}

/** Reads an SSE answer; `stopAfter` chunks with content, then the client goes away. */
async function readStream(
  url: string,
  secret: string,
  body: unknown,
  stopAfter?: number,
  idempotencyKey?: string,
): Promise<StreamRead> {
  const ctl = new AbortController();
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${secret}`,
      "content-type": "application/json",
      ...(idempotencyKey ? { "idempotency-key": idempotencyKey } : {}),
    },
    body: JSON.stringify(body),
    signal: ctl.signal,
  });
  const out: StreamRead = { status: res.status, headers: res.headers, events: [], comments: 0 };
  if (!res.body || !res.headers.get("content-type")?.includes("event-stream")) {
    out.events.push(await res.text());
    return out;
  }
  const parser = new SseParser();
  let contents = 0;
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      const text = Buffer.from(chunk).toString("utf8");
      out.comments += (text.match(/^: keep-alive/gm) ?? []).length;
      for (const ev of parser.push(Buffer.from(chunk))) {
        out.events.push(ev.data);
        if (ev.data !== "[DONE]" && JSON.parse(ev.data).choices?.[0]?.delta?.content) contents++;
      }
      if (stopAfter !== undefined && contents >= stopAfter) {
        ctl.abort();
        break;
      }
    }
  } catch {
    // aborted by us
  }
  return out;
}

const body = (content: string, extra: Record<string, unknown> = {}) => ({
  model: "gpt-oss:20b",
  messages: [
    { role: "system", content: "You are terse." },
    { role: "user", content: [{ type: "text", text: content }] },
  ],
  max_tokens: 64,
  ...extra,
});

describe.each(testDbKinds())("POST /v1/chat/completions (%s)", (kind) => {
  let db: TestDb;
  let upstream: MockModel;
  let server: Awaited<ReturnType<typeof serveRoutes>>;
  let privateKey: CryptoKey;

  beforeAll(async () => {
    upstream = await startMockModel();
    const signer = await jwtSigner();
    privateKey = signer.privateKey;
    overrideEnv({
      APP_URL: "http://localhost:3000",
      UPSTREAM_URL: upstream.url,
      INTERNAL_JWT_PUBLIC_KEYS: signer.jwks,
      KEY_RATE_LIMIT_PER_MINUTE: "1000000",
      KEY_RATE_LIMIT_BURST: "100000",
      STREAM_KEEPALIVE_MS: "300",
    });
    db = await installTestDb(kind);
    resetKeyCache();
    await resetGateway();
    server = await serveRoutes({ "/v1/chat/completions": { POST: chat } });
  }, 120_000);
  afterAll(async () => {
    await server.close();
    await resetGateway();
    setDb(undefined);
    await db.close();
    await upstream.close();
  });

  async function balance(accountId: string) {
    const [a] = await db.query<{ balance_micro: string }>("SELECT balance_micro FROM accounts WHERE id = $1", [
      accountId,
    ]);
    return BigInt(a!.balance_micro);
  }

  it("not streamed: a chat.completion whose id is the usage event and whose cost is catalogue × tokens", async () => {
    const { accountId } = await signedInAccount();
    const key = await makeKey(accountId);
    await fund(accountId, 1_000_000n);
    const b = body("price me please, with a few more words than before");
    const usage = await upstreamUsage(upstream.url, { ...b, messages: b.messages });
    const cost = expectedCost(b.model, usage.prompt_tokens, usage.completion_tokens);
    const res = await bearer(chat, key.secret, { path: "/v1/chat/completions", body: b });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      object: "chat.completion",
      model: "gpt-oss:20b",
      choices: [{ index: 0, message: { role: "assistant" }, finish_reason: "stop" }],
      usage: {
        prompt_tokens: usage.prompt_tokens,
        completion_tokens: usage.completion_tokens,
        total_tokens: usage.prompt_tokens + usage.completion_tokens,
        cost_micro: Number(cost),
      },
    });
    expect(res.headers.get("x-solrouter-cost-micro")).toBe(String(cost));
    expect(res.headers.get("x-request-id")).toBeTruthy();
    expect(1_000_000n - (await balance(accountId))).toBe(cost);
    const [ev] = await db.query<{ id: string; cost_micro: string }>(
      "SELECT id::text, cost_micro FROM usage_events WHERE account_id = $1",
      [accountId],
    );
    expect(res.json.id).toBe(`gen_${ev!.id}`);
    expect(BigInt(ev!.cost_micro)).toBe(cost);
  });

  it("GET /v1/generations/{id} answers the key that made the call, 404 to another key of the same account", async () => {
    const { accountId } = await signedInAccount();
    const key = await makeKey(accountId);
    const other = await makeKey(accountId);
    await fund(accountId, 1_000_000n);
    const res = await bearer(chat, key.secret, { path: "/v1/chat/completions", body: body("record me") });
    const get = (secret: string, id: string) =>
      bearer(generation, secret, { path: `/v1/generations/${id}`, params: { id } });
    const mine = await get(key.secret, res.json.id);
    expect(mine.status).toBe(200);
    expect(mine.json).toMatchObject({
      id: res.json.id,
      model: "gpt-oss:20b",
      inputTokens: res.json.usage.prompt_tokens,
      outputTokens: res.json.usage.completion_tokens,
      costMicro: res.json.usage.cost_micro,
      status: 200,
    });
    expect(typeof mine.json.latencyMs).toBe("number");
    expect(new Date(mine.json.createdAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect((await get(other.secret, res.json.id)).status).toBe(404);
    expect((await get(key.secret, "gen_999999999")).status).toBe(404);
    expect((await get(key.secret, "nonsense")).json.error).toMatchObject({
      code: "not_found",
      type: "not_found_error",
    });
  });

  it("Idempotency-Key: a repeat gets the stored answer (same id, replayed, charged once); other bytes 409", async () => {
    const { accountId } = await signedInAccount();
    const key = await makeKey(accountId);
    await fund(accountId, 1_000_000n);
    const post = (b: unknown, idem: string) =>
      bearer(chat, key.secret, { path: "/v1/chat/completions", body: b, headers: { "idempotency-key": idem } });
    const b = body("only once please");
    const first = await post(b, "k-1");
    expect(first.status).toBe(200);
    const again = await post(b, "k-1");
    expect(again.status).toBe(200);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.json.id).toBe(first.json.id);
    expect(1_000_000n - (await balance(accountId))).toBe(BigInt(first.json.usage.cost_micro));
    const other = await post(body("something else"), "k-1");
    expect(other.status).toBe(409);
    expect(other.json.error.code).toBe("idempotency_conflict");

    // 20 concurrent repeats of one new key: one call, one charge; the others replay or wait (409 in progress).
    const before = await balance(accountId);
    const many = await Promise.all(Array.from({ length: 20 }, () => post(body("twenty at once"), "k-20")));
    expect(many.filter((r) => r.status >= 500)).toEqual([]);
    const ids = new Set(many.filter((r) => r.status === 200).map((r) => r.json.id));
    expect(ids.size).toBe(1);
    expect(many.every((r) => r.status === 200 || r.json.error.code === "idempotency_in_progress")).toBe(true);
    const [n] = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM usage_events WHERE account_id = $1 AND status = 200",
      [accountId],
    );
    expect(n!.n).toBe(2);
    const one = many.find((r) => r.status === 200)!;
    expect(before - (await balance(accountId))).toBe(BigInt(one.json.usage.cost_micro));

    // Streamed: the repeat is the stored answer as one chunk + usage + [DONE].
    const s1 = await readStream(server.url, key.secret, { ...b, stream: true }, undefined, "k-s");
    const s2 = await readStream(server.url, key.secret, { ...b, stream: true }, undefined, "k-s");
    expect(s2.headers.get("idempotent-replayed")).toBe("true");
    expect(s2.events.at(-1)).toBe("[DONE]");
    expect(JSON.parse(s2.events.at(-2)!).usage).toEqual(JSON.parse(s1.events.at(-2)!).usage);
    expect(JSON.parse(s2.events[0]!).id).toBe(JSON.parse(s1.events[0]!).id);

    // /agent too.
    const ask = () =>
      bearer(agent, key.secret, {
        path: "/agent",
        body: { prompt: "agent once", model: "gpt-oss:20b", maxTokens: 32 },
        headers: { "idempotency-key": "agent-1" },
      });
    const a1 = await ask();
    const mid = await balance(accountId);
    const a2 = await ask();
    expect(a2.headers.get("idempotent-replayed")).toBe("true");
    expect(a2.json).toEqual(a1.json);
    expect(await balance(accountId)).toBe(mid);
  });

  it("streamed: chunks, then a usage chunk and [DONE]; charged exactly what the same call costs unstreamed", async () => {
    const { accountId } = await signedInAccount();
    const key = await makeKey(accountId);
    await fund(accountId, 1_000_000n);
    const b = body("stream me a few tokens please");
    const usage = await upstreamUsage(upstream.url, b);
    const cost = expectedCost(b.model, usage.prompt_tokens, usage.completion_tokens);
    const r = await readStream(server.url, key.secret, { ...b, stream: true });
    expect(r.status).toBe(200);
    expect(r.events.at(-1)).toBe("[DONE]");
    const chunks = r.events.slice(0, -1).map((e) => JSON.parse(e));
    const final = chunks.at(-1);
    expect(final.choices).toEqual([]);
    expect(final.usage).toEqual({
      prompt_tokens: usage.prompt_tokens,
      completion_tokens: usage.completion_tokens,
      total_tokens: usage.prompt_tokens + usage.completion_tokens,
      cost_micro: Number(cost),
    });
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks.at(-2).choices[0].finish_reason).toBe("stop");
    const text = chunks.map((c) => c.choices[0]?.delta?.content ?? "").join("");
    expect(text).toContain("You said:");
    expect(1_000_000n - (await balance(accountId))).toBe(cost);
    const [ev] = await db.query<{ id: string }>("SELECT id::text FROM usage_events WHERE account_id = $1", [accountId]);
    expect(final.id).toBe(`gen_${ev!.id}`);
  });

  it("counts the streamed output when the upstream reports no usage (never more than reserved)", async () => {
    const { accountId } = await signedInAccount();
    const key = await makeKey(accountId);
    await fund(accountId, 1_000_000n);
    const r = await readStream(server.url, key.secret, { ...body("[[no-usage]] count me"), stream: true });
    const final = JSON.parse(r.events.at(-2)!);
    const text = r.events
      .slice(0, -2)
      .map((e) => JSON.parse(e).choices[0]?.delta?.content ?? "")
      .join("");
    expect(final.usage.completion_tokens).toBe(Math.ceil(Buffer.byteLength(text) / 4));
    expect(BigInt(final.usage.cost_micro)).toBe(
      expectedCost("gpt-oss:20b", final.usage.prompt_tokens, final.usage.completion_tokens),
    );
    expect(1_000_000n - (await balance(accountId))).toBe(BigInt(final.usage.cost_micro));
  });

  it("an upstream failure before the first token: 502 with error.type, nothing charged", async () => {
    const { accountId } = await signedInAccount();
    const key = await makeKey(accountId);
    await fund(accountId, 1_000_000n);
    for (const stream of [false, true]) {
      const r = await readStream(server.url, key.secret, { ...body("[[upstream-error]]"), stream });
      expect(r.status).toBe(502);
      expect(JSON.parse(r.events[0]!).error).toMatchObject({ code: "upstream_error", type: "api_error" });
    }
    expect(await balance(accountId)).toBe(1_000_000n);
  });

  it("an upstream failure after the first tokens: one error event, charged for what was delivered", async () => {
    const { accountId } = await signedInAccount();
    const key = await makeKey(accountId);
    await fund(accountId, 1_000_000n);
    const r = await readStream(server.url, key.secret, { ...body("[[stream-error-after:3]] break me"), stream: true });
    expect(r.status).toBe(200);
    const last = JSON.parse(r.events.at(-1)!);
    expect(last.error.code).toBe("upstream_error");
    expect(r.events).not.toContain("[DONE]");
    const delivered = r.events
      .slice(0, -1)
      .map((e) => JSON.parse(e).choices[0]?.delta?.content ?? "")
      .join("");
    const b = body("[[stream-error-after:3]] break me");
    const usage = await upstreamUsage(upstream.url, b);
    const charged = 1_000_000n - (await balance(accountId));
    // The delivered tokens, counted, with the prompt estimated at 4 bytes a token.
    const promptBytes = b.messages.reduce(
      (n, m) => n + Buffer.byteLength(typeof m.content === "string" ? m.content : m.content[0]!.text),
      0,
    );
    expect(charged).toBe(
      expectedCost(b.model, Math.ceil(promptBytes / 4), Math.ceil(Buffer.byteLength(delivered) / 4)),
    );
    expect(charged).toBeLessThan(expectedCost(b.model, usage.prompt_tokens, usage.completion_tokens));
  });

  it("keep-alive comments while the model is silent, then the answer", async () => {
    const { accountId } = await signedInAccount();
    const key = await makeKey(accountId);
    await fund(accountId, 1_000_000n);
    const r = await readStream(server.url, key.secret, { ...body("[[delay:1000]] slow start"), stream: true });
    expect(r.status).toBe(200);
    expect(r.comments).toBeGreaterThanOrEqual(1);
    expect(r.events.at(-1)).toBe("[DONE]");
  });

  it("a client that leaves mid-stream: the upstream is closed at once and the charge is at most what was produced", async () => {
    const { accountId } = await signedInAccount();
    const key = await makeKey(accountId);
    await fund(accountId, 1_000_000n);
    const before = upstream.closedStreams().length;
    const b = { ...body("[[token-delay:30]] a long answer, word after word after word"), stream: true };
    const closed = upstream.waitForClose(before + 1, 10_000);
    await readStream(server.url, key.secret, b, 2);
    const seen = await closed;
    const full = await upstreamUsage(upstream.url, b);
    expect(seen.tokensSent).toBeLessThan(full.completion_tokens);
    // Settlement follows the close; wait for the usage event.
    let rows: { cost_micro: string; output_tokens: number; status: number }[] = [];
    for (let i = 0; i < 50 && !rows.length; i++) {
      rows = await db.query("SELECT cost_micro, output_tokens, status FROM usage_events WHERE account_id = $1", [
        accountId,
      ]);
      if (!rows.length) await new Promise((r) => setTimeout(r, 50));
    }
    expect(rows[0]!.status).toBe(499);
    expect(rows[0]!.output_tokens).toBeLessThanOrEqual(seen.tokensSent);
    const charged = 1_000_000n - (await balance(accountId));
    expect(charged).toBe(BigInt(rows[0]!.cost_micro));
    expect(charged).toBeLessThan(expectedCost(b.model, full.prompt_tokens, full.completion_tokens));
  });

  it("an internal JWT is metered at the same price, streamed and not", async () => {
    const jwt = await internalToken(privateKey);
    const b = body("internal product call");
    const usage = await upstreamUsage(upstream.url, b);
    const cost = expectedCost(b.model, usage.prompt_tokens, usage.completion_tokens);
    const res = await bearer(chat, jwt, { path: "/v1/chat/completions", body: b });
    expect(res.status).toBe(200);
    expect(res.json.usage.cost_micro).toBe(Number(cost));
    const s = await readStream(server.url, jwt, { ...b, stream: true });
    expect(JSON.parse(s.events.at(-2)!).usage.cost_micro).toBe(Number(cost));
  });

  it("without credentials: 402 with PAYMENT-REQUIRED priced for the body; bad bodies are 400 with error.type", async () => {
    const res = await call(chat, { method: "POST", path: "/v1/chat/completions", origin: null, body: body("pay me") });
    expect(res.status).toBe(402);
    expect(res.json.error).toMatchObject({ code: "payment_required", type: "insufficient_quota" });
    const { accountId } = await signedInAccount();
    const key = await makeKey(accountId);
    const bad = await bearer(chat, key.secret, {
      path: "/v1/chat/completions",
      body: { model: "gpt-oss:20b", messages: [{ role: "tool", content: "x" }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ code: "invalid_request", type: "invalid_request_error" });
    const poor = await bearer(chat, key.secret, { path: "/v1/chat/completions", body: body("no money") });
    expect(poor.status).toBe(402);
    expect(poor.json.error.code).toBe("insufficient_balance");
  });

  it("the official openai package, streamed and not, reads the usage", async () => {
    const { accountId } = await signedInAccount();
    const key = await makeKey(accountId);
    await fund(accountId, 1_000_000n);
    const client = new OpenAI({ apiKey: key.secret, baseURL: `${server.url}/v1`, maxRetries: 0 });
    const b = body("from the openai package");
    const usage = await upstreamUsage(upstream.url, b);
    const cost = expectedCost(b.model, usage.prompt_tokens, usage.completion_tokens);
    const done = await client.chat.completions.create(b as OpenAI.ChatCompletionCreateParamsNonStreaming);
    expect(done.usage).toMatchObject({ prompt_tokens: usage.prompt_tokens, cost_micro: Number(cost) });
    const stream = await client.chat.completions.create({
      ...(b as OpenAI.ChatCompletionCreateParamsNonStreaming),
      stream: true,
    });
    let text = "";
    let last: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? "";
      last = chunk.usage ?? last;
    }
    expect(text).toBe(done.choices[0]!.message.content);
    expect(last).toMatchObject({ completion_tokens: usage.completion_tokens, cost_micro: Number(cost) });
    expect(1_000_000n - (await balance(accountId))).toBe(2n * cost);
  });

  it("200 concurrent streamed calls on a balance covering half: no 5xx, never negative, balance drop = Σ charged", async () => {
    const { accountId } = await signedInAccount();
    const key = await makeKey(accountId);
    const b = body("concurrency");
    const reserve = BigInt(
      (await import("@/lib/gateway/chat-completions")).chatCallRequest(
        { ...b, messages: b.messages as never, stream: true },
        "x",
      ).maxCostMicro,
    );
    const funded = reserve * 100n;
    await fund(accountId, funded);
    const results = await Promise.all(
      Array.from({ length: 200 }, () => readStream(server.url, key.secret, { ...b, stream: true })),
    );
    expect(results.filter((r) => r.status >= 500)).toEqual([]);
    const ok = results.filter((r) => r.status === 200);
    expect(ok.length).toBeGreaterThanOrEqual(100);
    expect(results.filter((r) => r.status !== 200).every((r) => r.status === 402)).toBe(true);
    const charged = ok.reduce((n, r) => n + BigInt(JSON.parse(r.events.at(-2)!).usage.cost_micro), 0n);
    await gateway().releaseIdle(0);
    const after = await balance(accountId);
    expect(after).toBeGreaterThanOrEqual(0n);
    expect(funded - after).toBe(charged);
    expect(await checkLedger(db)).toEqual([]);
  }, 120_000);

  it("a key revoked mid-stream finishes the running stream but cannot start another", async () => {
    const { accountId } = await signedInAccount();
    const key = await makeKey(accountId);
    await fund(accountId, 1_000_000n);
    const running = readStream(server.url, key.secret, {
      ...body("[[token-delay:40]] one more long answer that takes a while"),
      stream: true,
    });
    await new Promise((r) => setTimeout(r, 150));
    await db.query("UPDATE api_keys SET revoked_at = now() WHERE id = $1", [key.id]);
    await invalidateKey(key.id);
    const next = await readStream(server.url, key.secret, { ...body("again"), stream: true });
    expect(next.status).toBe(401);
    const r = await running;
    expect(r.events.at(-1)).toBe("[DONE]");
    expect(1_000_000n - (await balance(accountId))).toBe(BigInt(JSON.parse(r.events.at(-2)!).usage.cost_micro));
  });
});
