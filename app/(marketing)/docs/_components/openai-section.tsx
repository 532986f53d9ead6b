import { Anchor, C, Callout, Code, P, Table } from "./docs-ui";

// The OpenAI-compatible endpoint: the same models, credentials and prices as /agent, in the
// shape every OpenAI client already speaks (contract: "OpenAI-compatible API").

export function OpenAiSection({ origin }: { origin: string }) {
  return (
    <section>
      <Anchor id="openai">OpenAI-compatible API</Anchor>
      <P>
        <C>POST {origin}/v1/chat/completions</C> takes the OpenAI Chat Completions request (<C>model</C>,{" "}
        <C>messages</C> with <C>system</C> / <C>user</C> / <C>assistant</C> roles, <C>max_tokens</C> or{" "}
        <C>max_completion_tokens</C>, <C>temperature</C>, <C>top_p</C>, <C>stop</C>, <C>stream</C>) with the same
        credentials as <C>/agent</C>: an API key, x402, or an internal JWT. <C>GET /v1/models</C> lists the models with
        their prices. Point any OpenAI client at <C>{origin}/v1</C> with your Solrouter key.
      </P>
      <Code title="shell">{`curl ${origin}/v1/chat/completions \\
  -H "Authorization: Bearer $SOLROUTER_API_KEY" \\
  -H "Content-Type: application/json" \\
  -d '{"model":"gpt-oss:20b","messages":[{"role":"user","content":"Hello"}],"max_tokens":128}'`}</Code>
      <Code title="200 OK">{`x-request-id: 7f9c…
x-solrouter-cost-micro: 84

{
  "id": "1042",
  "object": "chat.completion",
  "model": "gpt-oss:20b",
  "choices": [{ "index": 0, "message": { "role": "assistant", "content": "Hi! …" }, "finish_reason": "stop" }],
  "usage": { "prompt_tokens": 9, "completion_tokens": 21, "total_tokens": 30, "cost_micro": 84 }
}`}</Code>
      <P>
        <C>usage.cost_micro</C> (and the <C>x-solrouter-cost-micro</C> header) is what the call cost, in integer
        micro-USD. The <C>id</C> is the call&apos;s usage record: <C>GET /v1/generations/{"{id}"}</C> with the same
        credential returns its model, tokens, cost, latency and status.
      </P>

      <Anchor id="streaming" level={3}>
        Streaming
      </Anchor>
      <P>
        With <C>&quot;stream&quot;: true</C> the answer is a <C>text/event-stream</C> of <C>chat.completion.chunk</C>{" "}
        events as the model writes, then always a final chunk with <C>choices: []</C> and the <C>usage</C> (with{" "}
        <C>cost_micro</C>), then <C>data: [DONE]</C>. Lines starting with <C>:</C> are keep-alives. If the model fails
        after the first token, one <C>{'data: {"error": {…}}'}</C> event ends the stream.
      </P>
      <Code title="shell">{`curl -N ${origin}/v1/chat/completions \\
  -H "Authorization: Bearer $SOLROUTER_API_KEY" \\
  -H "Content-Type: application/json" \\
  -d '{"model":"gpt-oss:20b","messages":[{"role":"user","content":"Hello"}],"stream":true}'

data: {"id":"1043","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}
…
data: {"id":"1043","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":21,"total_tokens":30,"cost_micro":84}}
data: [DONE]`}</Code>
      <Callout title="Closing the connection stops the meter">
        Disconnect mid-stream and the model is stopped at once: you pay only for the tokens produced until then. A call
        that fails before its first token costs nothing.
      </Callout>

      <Anchor id="openai-clients" level={3}>
        With the openai package or the Vercel AI SDK
      </Anchor>
      <Code title="typescript · openai">{`import OpenAI from "openai";

const openai = new OpenAI({ baseURL: "${origin}/v1", apiKey: process.env.SOLROUTER_API_KEY });

const res = await openai.chat.completions.create({
  model: "gpt-oss:20b",
  messages: [{ role: "user", content: "Hello" }],
});
console.log(res.choices[0].message.content, res.usage);

const stream = await openai.chat.completions.create({
  model: "gpt-oss:20b",
  messages: [{ role: "user", content: "Tell me a story" }],
  stream: true,
});
for await (const chunk of stream) process.stdout.write(chunk.choices[0]?.delta?.content ?? "");`}</Code>
      <Code title="typescript · Vercel AI SDK">{`import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { generateText, streamText } from "ai";

const solrouter = createOpenAICompatible({
  name: "solrouter",
  baseURL: "${origin}/v1",
  apiKey: process.env.SOLROUTER_API_KEY,
  includeUsage: true, // token usage on streamed calls too
});

const { text, usage } = await generateText({ model: solrouter("gpt-oss:20b"), prompt: "Hello" });

const result = streamText({ model: solrouter("gpt-oss:20b"), prompt: "Tell me a story" });
for await (const part of result.textStream) process.stdout.write(part);`}</Code>
      <P>
        The Solrouter SDK has the same call, <C>client.chat.completions.create(…)</C>, streamed or not, and adds x402
        payments and typed errors.
      </P>

      <Anchor id="idempotency" level={3}>
        Retries without double charges: Idempotency-Key
      </Anchor>
      <P>
        Agents retry. Send <C>Idempotency-Key: &lt;1–255 visible ASCII characters&gt;</C> (a UUID is a good choice) on{" "}
        <C>POST /v1/chat/completions</C> or <C>POST /agent</C> with an API key, and a repeat of the same request within
        24 hours gets the stored answer instead of a second call:
      </P>
      <Table
        head={["Repeat", "Answer"]}
        rows={[
          [
            "Same key, same body, first call finished",
            <>
              The stored answer (same <C>id</C>), header <C>idempotent-replayed: true</C>, not charged again. A streamed
              request gets it as one chunk, the usage chunk and <C>[DONE]</C>.
            </>,
          ],
          [
            "Same key, same body, first call still running",
            <>
              <C>409 idempotency_in_progress</C>: wait (<C>Retry-After</C>) and repeat.
            </>,
          ],
          [
            "Same key, different body",
            <>
              <C>409 idempotency_conflict</C>: use a new key for a new request.
            </>,
          ],
          ["A call that failed (402, 502, …)", "Nothing is stored and nothing was charged: the repeat runs the call."],
        ]}
      />
      <P>
        Answers over 64 kB are not stored (a repeat gets <C>409 idempotency_conflict</C> rather than a second charge).
      </P>
      <Code title="shell">{`curl ${origin}/v1/chat/completions \\
  -H "Authorization: Bearer $SOLROUTER_API_KEY" \\
  -H "Idempotency-Key: 4b1e2c9a-6f0d-4d8e-9a57-0c2b7d1f3e11" \\
  -H "Content-Type: application/json" \\
  -d '{"model":"gpt-oss:20b","messages":[{"role":"user","content":"Hello"}]}'`}</Code>
    </section>
  );
}
