import { describe, expect, it } from "vitest";
import OpenAI from "openai";
import { internalToken } from "@/lib/test/internal-jwt";
import { testDbKinds } from "@/lib/test/db";
import { bearer, call } from "@/lib/test/http";
import { signedInAccount } from "@/lib/test/session";
import { catalogueCost, standInUsage } from "@/lib/test/catalogue";
import { chatBody, chatSuite, readStream } from "@/lib/test/chat-suite";
import { credit as fund, insertKey as makeKey } from "@/lib/test/runtime";
import { POST as chat } from "./route";
import { GET as generation } from "../../generations/[id]/route";
import { POST as agent } from "@/app/agent/route";

// Answers, records, idempotency and credentials of POST /v1/chat/completions; streaming is in
// route-stream.test.ts. Costs are computed from the catalogue (lib/test/catalogue.ts), never by
// the gateway's own cost code.

describe.each(testDbKinds())("POST /v1/chat/completions (%s)", (kind) => {
  const s = chatSuite(kind);

  it("not streamed: a chat.completion whose id is the usage event and whose cost is catalogue × tokens", async () => {
    const { accountId } = await signedInAccount();
    const key = await makeKey(accountId);
    await fund(accountId, 1_000_000n);
    const b = chatBody("price me please, with a few more words than before");
    const usage = await standInUsage(s.upstream.url, { ...b, messages: b.messages });
    const cost = catalogueCost(b.model, usage.prompt_tokens, usage.completion_tokens);
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
    expect(1_000_000n - (await s.balance(accountId))).toBe(cost);
    const [ev] = await s.db.query<{ id: string; cost_micro: string }>(
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
    const res = await bearer(chat, key.secret, { path: "/v1/chat/completions", body: chatBody("record me") });
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
    const b = chatBody("only once please");
    const first = await post(b, "k-1");
    expect(first.status).toBe(200);
    const again = await post(b, "k-1");
    expect(again.status).toBe(200);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.json.id).toBe(first.json.id);
    expect(1_000_000n - (await s.balance(accountId))).toBe(BigInt(first.json.usage.cost_micro));
    const other = await post(chatBody("something else"), "k-1");
    expect(other.status).toBe(409);
    expect(other.json.error.code).toBe("idempotency_conflict");

    // 20 concurrent repeats of one new key: one call, one charge; the others replay or wait (409 in progress).
    const before = await s.balance(accountId);
    const many = await Promise.all(Array.from({ length: 20 }, () => post(chatBody("twenty at once"), "k-20")));
    expect(many.filter((r) => r.status >= 500)).toEqual([]);
    const ids = new Set(many.filter((r) => r.status === 200).map((r) => r.json.id));
    expect(ids.size).toBe(1);
    expect(many.every((r) => r.status === 200 || r.json.error.code === "idempotency_in_progress")).toBe(true);
    const [n] = await s.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM usage_events WHERE account_id = $1 AND status = 200",
      [accountId],
    );
    expect(n!.n).toBe(2);
    const one = many.find((r) => r.status === 200)!;
    expect(before - (await s.balance(accountId))).toBe(BigInt(one.json.usage.cost_micro));

    // Streamed: the repeat is the stored answer as one chunk + usage + [DONE].
    const s1 = await readStream(s.server.url, key.secret, { ...b, stream: true }, undefined, "k-s");
    const s2 = await readStream(s.server.url, key.secret, { ...b, stream: true }, undefined, "k-s");
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
    const mid = await s.balance(accountId);
    const a2 = await ask();
    expect(a2.headers.get("idempotent-replayed")).toBe("true");
    expect(a2.json).toEqual(a1.json);
    expect(await s.balance(accountId)).toBe(mid);
  });

  it("an internal JWT is metered at the same price, streamed and not", async () => {
    const jwt = await internalToken(s.privateKey);
    const b = chatBody("internal product call");
    const usage = await standInUsage(s.upstream.url, b);
    const cost = catalogueCost(b.model, usage.prompt_tokens, usage.completion_tokens);
    const res = await bearer(chat, jwt, { path: "/v1/chat/completions", body: b });
    expect(res.status).toBe(200);
    expect(res.json.usage.cost_micro).toBe(Number(cost));
    const streamed = await readStream(s.server.url, jwt, { ...b, stream: true });
    expect(JSON.parse(streamed.events.at(-2)!).usage.cost_micro).toBe(Number(cost));
  });

  it("without credentials: 402 with PAYMENT-REQUIRED priced for the body; bad bodies are 400 with error.type", async () => {
    const res = await call(chat, {
      method: "POST",
      path: "/v1/chat/completions",
      origin: null,
      body: chatBody("pay me"),
    });
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
    const poor = await bearer(chat, key.secret, { path: "/v1/chat/completions", body: chatBody("no money") });
    expect(poor.status).toBe(402);
    expect(poor.json.error.code).toBe("insufficient_balance");
  });

  it("the official openai package, streamed and not, reads the usage", async () => {
    const { accountId } = await signedInAccount();
    const key = await makeKey(accountId);
    await fund(accountId, 1_000_000n);
    const client = new OpenAI({ apiKey: key.secret, baseURL: `${s.server.url}/v1`, maxRetries: 0 });
    const b = chatBody("from the openai package");
    const usage = await standInUsage(s.upstream.url, b);
    const cost = catalogueCost(b.model, usage.prompt_tokens, usage.completion_tokens);
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
    expect(1_000_000n - (await s.balance(accountId))).toBe(2n * cost);
  });
});
