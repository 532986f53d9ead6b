import { describe, expect, it } from "vitest";
import { testDbKinds } from "@/lib/test/db";
import { signedInAccount } from "@/lib/test/session";
import { checkLedger } from "@/lib/billing/ledger-check";
import { invalidateKey } from "@/lib/keys/resolve";
import { gateway } from "@/lib/gateway/runtime";
import { catalogueCost, standInUsage } from "@/lib/test/catalogue";
import { chatBody, chatSuite, readStream } from "@/lib/test/chat-suite";
import { credit as fund, insertKey as makeKey } from "@/lib/test/runtime";

// POST /v1/chat/completions with stream: true, read over a socket: the chunks and the usage
// chunk, what is charged when the upstream fails, goes silent or reports nothing, when the
// client leaves, under 200 concurrent streams, and when the key is revoked mid-stream.

describe.each(testDbKinds())("POST /v1/chat/completions, streamed (%s)", (kind) => {
  const s = chatSuite(kind);

  it("streamed: chunks, then a usage chunk and [DONE]; charged exactly what the same call costs unstreamed", async () => {
    const { accountId } = await signedInAccount();
    const key = await makeKey(accountId);
    await fund(accountId, 1_000_000n);
    const b = chatBody("stream me a few tokens please");
    const usage = await standInUsage(s.upstream.url, b);
    const cost = catalogueCost(b.model, usage.prompt_tokens, usage.completion_tokens);
    const r = await readStream(s.server.url, key.secret, { ...b, stream: true });
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
    expect(1_000_000n - (await s.balance(accountId))).toBe(cost);
    const [ev] = await s.db.query<{ id: string }>("SELECT id::text FROM usage_events WHERE account_id = $1", [
      accountId,
    ]);
    expect(final.id).toBe(`gen_${ev!.id}`);
  });

  it("counts the streamed output when the upstream reports no usage (never more than reserved)", async () => {
    const { accountId } = await signedInAccount();
    const key = await makeKey(accountId);
    await fund(accountId, 1_000_000n);
    const r = await readStream(s.server.url, key.secret, { ...chatBody("[[no-usage]] count me"), stream: true });
    const final = JSON.parse(r.events.at(-2)!);
    const text = r.events
      .slice(0, -2)
      .map((e) => JSON.parse(e).choices[0]?.delta?.content ?? "")
      .join("");
    expect(final.usage.completion_tokens).toBe(Math.ceil(Buffer.byteLength(text) / 4));
    expect(BigInt(final.usage.cost_micro)).toBe(
      catalogueCost("gpt-oss:20b", final.usage.prompt_tokens, final.usage.completion_tokens),
    );
    expect(1_000_000n - (await s.balance(accountId))).toBe(BigInt(final.usage.cost_micro));
  });

  it("an upstream failure before the first token: 502 with error.type, nothing charged", async () => {
    const { accountId } = await signedInAccount();
    const key = await makeKey(accountId);
    await fund(accountId, 1_000_000n);
    for (const stream of [false, true]) {
      const r = await readStream(s.server.url, key.secret, { ...chatBody("[[upstream-error]]"), stream });
      expect(r.status).toBe(502);
      expect(JSON.parse(r.events[0]!).error).toMatchObject({ code: "upstream_error", type: "api_error" });
    }
    expect(await s.balance(accountId)).toBe(1_000_000n);
  });

  it("an upstream failure after the first tokens: one error event, charged for what was delivered", async () => {
    const { accountId } = await signedInAccount();
    const key = await makeKey(accountId);
    await fund(accountId, 1_000_000n);
    const r = await readStream(s.server.url, key.secret, {
      ...chatBody("[[stream-error-after:3]] break me"),
      stream: true,
    });
    expect(r.status).toBe(200);
    const last = JSON.parse(r.events.at(-1)!);
    expect(last.error.code).toBe("upstream_error");
    expect(r.events).not.toContain("[DONE]");
    const delivered = r.events
      .slice(0, -1)
      .map((e) => JSON.parse(e).choices[0]?.delta?.content ?? "")
      .join("");
    const b = chatBody("[[stream-error-after:3]] break me");
    const usage = await standInUsage(s.upstream.url, b);
    const charged = 1_000_000n - (await s.balance(accountId));
    // The delivered tokens, counted, with the prompt estimated at 4 bytes a token.
    const promptBytes = b.messages.reduce(
      (n, m) => n + Buffer.byteLength(typeof m.content === "string" ? m.content : m.content[0]!.text),
      0,
    );
    expect(charged).toBe(
      catalogueCost(b.model, Math.ceil(promptBytes / 4), Math.ceil(Buffer.byteLength(delivered) / 4)),
    );
    expect(charged).toBeLessThan(catalogueCost(b.model, usage.prompt_tokens, usage.completion_tokens));
  });

  it("keep-alive comments while the model is silent, then the answer", async () => {
    const { accountId } = await signedInAccount();
    const key = await makeKey(accountId);
    await fund(accountId, 1_000_000n);
    const r = await readStream(s.server.url, key.secret, { ...chatBody("[[delay:1000]] slow start"), stream: true });
    expect(r.status).toBe(200);
    expect(r.comments).toBeGreaterThanOrEqual(1);
    expect(r.events.at(-1)).toBe("[DONE]");
  });

  it("a client that leaves mid-stream: the upstream is closed at once and the charge is at most what was produced", async () => {
    const { accountId } = await signedInAccount();
    const key = await makeKey(accountId);
    await fund(accountId, 1_000_000n);
    const before = s.upstream.closedStreams().length;
    const b = { ...chatBody("[[token-delay:30]] a long answer, word after word after word"), stream: true };
    const closed = s.upstream.waitForClose(before + 1, 10_000);
    await readStream(s.server.url, key.secret, b, 2);
    const seen = await closed;
    const full = await standInUsage(s.upstream.url, b);
    expect(seen.tokensSent).toBeLessThan(full.completion_tokens);
    // Settlement follows the close; wait for the usage event.
    let rows: { cost_micro: string; output_tokens: number; status: number }[] = [];
    for (let i = 0; i < 50 && !rows.length; i++) {
      rows = await s.db.query("SELECT cost_micro, output_tokens, status FROM usage_events WHERE account_id = $1", [
        accountId,
      ]);
      if (!rows.length) await new Promise((r) => setTimeout(r, 50));
    }
    expect(rows[0]!.status).toBe(499);
    expect(rows[0]!.output_tokens).toBeLessThanOrEqual(seen.tokensSent);
    const charged = 1_000_000n - (await s.balance(accountId));
    expect(charged).toBe(BigInt(rows[0]!.cost_micro));
    expect(charged).toBeLessThan(catalogueCost(b.model, full.prompt_tokens, full.completion_tokens));
  });

  it("200 concurrent streamed calls on a balance covering half: no 5xx, never negative, balance drop = Σ charged", async () => {
    const { accountId } = await signedInAccount();
    const key = await makeKey(accountId);
    const b = chatBody("concurrency");
    const reserve = BigInt(
      (await import("@/lib/gateway/chat-completions")).chatCallRequest(
        { ...b, messages: b.messages as never, stream: true },
        "x",
      ).maxCostMicro,
    );
    const funded = reserve * 100n;
    await fund(accountId, funded);
    const results = await Promise.all(
      Array.from({ length: 200 }, () => readStream(s.server.url, key.secret, { ...b, stream: true })),
    );
    expect(results.filter((r) => r.status >= 500)).toEqual([]);
    const ok = results.filter((r) => r.status === 200);
    expect(ok.length).toBeGreaterThanOrEqual(100);
    expect(results.filter((r) => r.status !== 200).every((r) => r.status === 402)).toBe(true);
    const charged = ok.reduce((n, r) => n + BigInt(JSON.parse(r.events.at(-2)!).usage.cost_micro), 0n);
    await gateway().releaseIdle(0);
    const after = await s.balance(accountId);
    expect(after).toBeGreaterThanOrEqual(0n);
    expect(funded - after).toBe(charged);
    expect(await checkLedger(s.db)).toEqual([]);
  }, 120_000);

  it("a key revoked mid-stream finishes the running stream but cannot start another", async () => {
    const { accountId } = await signedInAccount();
    const key = await makeKey(accountId);
    await fund(accountId, 1_000_000n);
    const running = readStream(s.server.url, key.secret, {
      ...chatBody("[[token-delay:40]] one more long answer that takes a while"),
      stream: true,
    });
    await new Promise((r) => setTimeout(r, 150));
    await s.db.query("UPDATE api_keys SET revoked_at = now() WHERE id = $1", [key.id]);
    await invalidateKey(key.id);
    const next = await readStream(s.server.url, key.secret, { ...chatBody("again"), stream: true });
    expect(next.status).toBe(401);
    const r = await running;
    expect(r.events.at(-1)).toBe("[DONE]");
    expect(1_000_000n - (await s.balance(accountId))).toBe(BigInt(JSON.parse(r.events.at(-2)!).usage.cost_micro));
  });
});
