import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { splitTokens, startMockModel, type MockModel } from "./mock-model";

const post = (url: string, body: unknown) =>
  fetch(`${url}/v1/chat/completions`, { method: "POST", body: JSON.stringify(body) });
const events = (text: string) =>
  text
    .split("\n\n")
    .filter(Boolean)
    .map((e) => e.replace(/^data: /, ""))
    .map((d) => (d === "[DONE]" ? d : JSON.parse(d)));

describe("the stand-in model server", () => {
  let model: MockModel;
  beforeAll(async () => (model = await startMockModel(0, { tokenDelayMs: 0 })));
  afterAll(() => model.close());

  const body = { model: "gpt-oss:20b", messages: [{ role: "user", content: "tell me something" }], max_tokens: 64 };

  it("answers non-streamed as before: one chat.completion with usage", async () => {
    const res = await post(model.url, body);
    const j = await res.json();
    expect(j).toMatchObject({
      object: "chat.completion",
      choices: [{ message: { role: "assistant" }, finish_reason: "stop" }],
    });
    expect(j.choices[0].message.content).toBe("This is the Solrouter stand-in model. You said: tell me something");
    expect(j.usage).toEqual({ prompt_tokens: 5, completion_tokens: 17, total_tokens: 22 });
  });

  it("streams one token per chunk, then finish_reason, the usage chunk when asked, and [DONE]", async () => {
    const whole = await (await post(model.url, body)).json();
    const res = await post(model.url, { ...body, stream: true, stream_options: { include_usage: true } });
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const ev = events(await res.text());
    expect(ev.at(-1)).toBe("[DONE]");
    expect(ev.at(-2)).toMatchObject({ object: "chat.completion.chunk", choices: [], usage: whole.usage });
    expect(ev.at(-3)).toMatchObject({ choices: [{ delta: {}, finish_reason: "stop" }] });
    expect(ev[0]).toMatchObject({ choices: [{ delta: { role: "assistant", content: "" } }] });
    const pieces = ev.slice(1, -3).map((c) => c.choices[0].delta.content);
    expect(pieces).toEqual(splitTokens(whole.choices[0].message.content));
    expect(pieces).toHaveLength(whole.usage.completion_tokens);
  });

  it("sends no usage chunk without stream_options.include_usage", async () => {
    const ev = events(await (await post(model.url, { ...body, stream: true })).text());
    expect(ev.some((e) => e !== "[DONE]" && e.usage)).toBe(false);
  });

  it("reads text-part content like a string", async () => {
    const a = await (await post(model.url, body)).json();
    const b = await (
      await post(model.url, {
        ...body,
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "tell me " },
              { type: "text", text: "something" },
            ],
          },
        ],
      })
    ).json();
    expect(b.choices[0].message.content).toBe(a.choices[0].message.content);
    expect(b.usage).toEqual(a.usage);
  });

  it("records a client that closes mid-stream, with the tokens sent so far", async () => {
    const ctl = new AbortController();
    const res = await fetch(`${model.url}/v1/chat/completions`, {
      method: "POST",
      signal: ctl.signal,
      body: JSON.stringify({
        ...body,
        stream: true,
        messages: [{ role: "user", content: "[[token-delay:40]] slow one" }],
      }),
    });
    const reader = res.body!.getReader();
    await reader.read();
    expect(model.openStreams()).toBe(1);
    ctl.abort();
    const closed = await model.waitForClose();
    expect(closed.tokensSent).toBeLessThan(8); // of 19
    expect(model.openStreams()).toBe(0);
  });

  it("a stream that runs to its end is not recorded as closed", async () => {
    const before = model.closedStreams().length;
    await (await post(model.url, { ...body, stream: true })).text();
    await new Promise((r) => setTimeout(r, 20));
    expect(model.closedStreams().length).toBe(before);
  });
});
