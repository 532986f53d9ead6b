import { describe, expect, it } from "vitest";
import { describeZod } from "@/lib/http/errors";
import {
  ChatCompletionBody,
  MESSAGE_FRAMING_TOKENS,
  promptTokenBound,
  requestedMaxTokens,
  toUpstreamRequest,
  wantsStream,
  type ChatCompletionRequest,
} from "./openai-schema";

// The request type of the official `openai` package (ChatCompletionCreateParams, the part we
// accept), copied from its declarations since the package is not installed yet: whatever such a
// client sends for these fields must parse.
type TextPart = { type: "text"; text: string };
interface OpenAiCreateParams {
  model: string;
  messages: (
    | { role: "system"; content: string | TextPart[]; name?: string }
    | { role: "user"; content: string | TextPart[]; name?: string }
    | { role: "assistant"; content?: string | TextPart[] | null; name?: string }
  )[];
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  stop?: string | null | string[];
  stream?: boolean | null;
  stream_options?: { include_usage?: boolean } | null;
  n?: number | null;
  seed?: number | null;
  user?: string;
}

const parse = (body: unknown) => {
  const r = ChatCompletionBody.safeParse(body);
  return r.success ? { ok: true as const, data: r.data } : { ok: false as const, message: describeZod(r.error) };
};
const base = { model: "gpt-oss:20b", messages: [{ role: "user", content: "hi" }] };

describe("ChatCompletionBody", () => {
  it("accepts what the openai package sends, nulls included, and ignores fields it does not know", () => {
    const sent: OpenAiCreateParams = {
      model: "gpt-oss:20b",
      messages: [
        { role: "system", content: "be brief" },
        {
          role: "user",
          content: [
            { type: "text", text: "hello " },
            { type: "text", text: "there" },
          ],
          name: "ann",
        },
        { role: "assistant", content: "hi" },
        { role: "user", content: "again" },
      ],
      max_completion_tokens: 50,
      temperature: 0.5,
      top_p: null,
      stop: ["\n\n"],
      stream: true,
      stream_options: { include_usage: true },
      n: 1,
      seed: 7,
      user: "u1",
    };
    const r = parse({ ...sent, tools: [{ type: "function" }], response_format: { type: "text" } });
    expect(r.ok).toBe(true);
    const data = (r as { data: ChatCompletionRequest }).data;
    expect(Object.keys(data).sort()).toEqual([
      "max_completion_tokens",
      "messages",
      "model",
      "stop",
      "stream",
      "stream_options",
      "temperature",
      "top_p",
    ]);
    expect(data.messages[1]).toEqual({
      role: "user",
      content: [
        { type: "text", text: "hello " },
        { type: "text", text: "there" },
      ],
    });
  });

  it.each([
    [{ ...base, model: 5 }, "model: model must be a string"],
    [{ model: "m" }, "messages: messages must be an array of messages"],
    [{ ...base, messages: [] }, "messages: messages must not be empty"],
    [
      { ...base, messages: [{ role: "tool", content: "x" }] },
      'messages.0.role: role must be "system", "user" or "assistant"',
    ],
    [
      { ...base, messages: [{ role: "user", content: 3 }] },
      "messages.0.content: content must be a string or an array of text parts",
    ],
    [
      { ...base, messages: [{ role: "user", content: [{ type: "image_url", image_url: {} }] }] },
      "messages.0.content: content must be a string or an array of text parts",
    ],
    [{ ...base, messages: [{ role: "user", content: [] }] }, "messages.0.content: content must not be an empty array"],
    [
      { ...base, messages: [{ role: "user", content: [{ type: "text", text: 1 }] }] },
      "messages.0.content: content must be a string or an array of text parts",
    ],
    [{ ...base, max_tokens: "10" }, "max_tokens: max_tokens must be a number"],
    [{ ...base, max_completion_tokens: 1.5 }, "max_completion_tokens: max_completion_tokens must be a whole number"],
    [{ ...base, max_tokens: 0 }, "max_tokens: max_tokens must be positive"],
    [{ ...base, temperature: 3 }, "temperature: temperature must be between 0 and 2"],
    [{ ...base, top_p: "1" }, "top_p: top_p must be a number"],
    [{ ...base, stop: 1 }, "stop: stop must be a string or an array of strings"],
    [{ ...base, stop: ["a", "b", "c", "d", "e"] }, "stop: stop takes at most 4 sequences"],
    [{ ...base, stream: "yes" }, "stream: stream must be true or false"],
    [
      { ...base, stream_options: { include_usage: 1 } },
      "stream_options.include_usage: stream_options.include_usage must be true or false",
    ],
  ])("rejects %j with a message naming the field", (body, message) => {
    expect(parse(body)).toEqual({ ok: false, message });
  });
});

describe("toUpstreamRequest and the estimates", () => {
  const body = ChatCompletionBody.parse({
    ...base,
    messages: [
      { role: "system", content: "be brief" },
      {
        role: "user",
        content: [
          { type: "text", text: "héllo " },
          { type: "text", text: "there" },
        ],
      },
    ],
    max_tokens: 100,
    max_completion_tokens: 40,
    temperature: 0,
    stop: "END",
    top_p: null,
    stream: true,
  });

  it("flattens text parts and passes sampling options through, without the nulls", () => {
    expect(toUpstreamRequest(body, "upstream-name", 40)).toEqual({
      model: "upstream-name",
      messages: [
        { role: "system", content: "be brief" },
        { role: "user", content: "héllo there" },
      ],
      max_tokens: 40,
      temperature: 0,
      stop: "END",
    });
  });

  it("max_completion_tokens wins over max_tokens; none given is undefined", () => {
    expect(requestedMaxTokens(body)).toBe(40);
    expect(requestedMaxTokens(ChatCompletionBody.parse({ ...base, max_tokens: 9 }))).toBe(9);
    expect(requestedMaxTokens(ChatCompletionBody.parse(base))).toBeUndefined();
    expect(wantsStream(body)).toBe(true);
    expect(wantsStream(ChatCompletionBody.parse({ ...base, stream: null }))).toBe(false);
  });

  it("bounds the prompt at one token per byte of role and content plus each message's framing", () => {
    // "system" 6 + "be brief" 8; "user" 4 + "héllo there" 12 bytes (é is two).
    expect(promptTokenBound(body.messages)).toBe(6 + 8 + 4 + 12 + 2 * MESSAGE_FRAMING_TOKENS);
  });
});
