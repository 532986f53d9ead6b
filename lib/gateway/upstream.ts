import "server-only";
import http from "node:http";
import https from "node:https";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { estimateUsage, type UpstreamChatRequest } from "./upstream-stream";

export interface UpstreamResult {
  output: string;
  inputTokens: number;
  outputTokens: number;
  /** True when the server reported no usage and the counts were estimated. */
  estimated: boolean;
  finishReason: string | null;
}

// Plain node:http with a keep-alive pool: on the hot path it costs a fraction of fetch().
const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 512 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 512 }),
};

// The time limit is one timer cleared when the answer is in: AbortSignal.timeout (+ .any) cost
// ~30 µs a call here and each one lived on for UPSTREAM_TIMEOUT_MS after its call had finished.
const named = (name: string) => Object.assign(new Error(name), { name });

function post(
  url: URL,
  body: string,
  signal: AbortSignal | undefined,
  timeoutMs: number,
): Promise<{ status: number; text: string }> {
  const lib = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(named("AbortError"));
    const req = lib.request(
      url,
      {
        method: "POST",
        agent: url.protocol === "https:" ? agents.https : agents.http,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          done();
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") });
        });
        res.on("error", (err) => (done(), reject(err)));
      },
    );
    const abort = () => req.destroy(named("AbortError"));
    const timer = setTimeout(() => req.destroy(named("TimeoutError")), timeoutMs);
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", abort);
    };
    signal?.addEventListener("abort", abort, { once: true });
    req.on("error", (err) => (done(), reject(err)));
    req.end(body);
  });
}

const failed = (why: string) => new AppError("upstream_error", `${why} You were not charged.`);

/** One OpenAI-compatible chat completion (Ollama, vLLM, llama.cpp). Any failure is upstream_error. */
export async function complete(request: UpstreamChatRequest, signal?: AbortSignal): Promise<UpstreamResult> {
  const e = env();
  if (!e.UPSTREAM_URL) throw new AppError("unavailable", "No model server is configured.");
  const url = new URL(`${e.UPSTREAM_URL.replace(/\/$/, "")}/v1/chat/completions`);
  let res: { status: number; text: string };
  try {
    res = await post(url, JSON.stringify({ ...request, stream: false }), signal, e.UPSTREAM_TIMEOUT_MS);
  } catch (err) {
    const name = (err as Error)?.name;
    throw failed(
      name === "AbortError" || name === "TimeoutError"
        ? "The model took too long to answer."
        : "The model server could not be reached.",
    );
  }
  if (res.status < 200 || res.status >= 300) throw failed(`The model server answered ${res.status}.`);
  let body: {
    choices?: { message?: { content?: unknown }; finish_reason?: unknown }[];
    usage?: { prompt_tokens?: unknown; completion_tokens?: unknown };
  };
  try {
    body = JSON.parse(res.text) as typeof body;
  } catch {
    throw failed("The model server sent an unreadable answer.");
  }
  const output = body.choices?.[0]?.message?.content;
  if (typeof output !== "string") throw failed("The model server sent no answer.");
  const pt = body.usage?.prompt_tokens;
  const ct = body.usage?.completion_tokens;
  const fr = body.choices?.[0]?.finish_reason;
  const finishReason = typeof fr === "string" ? fr : null;
  const valid = (n: unknown): n is number => typeof n === "number" && Number.isInteger(n) && n >= 0;
  if (valid(pt) && valid(ct)) return { output, inputTokens: pt, outputTokens: ct, estimated: false, finishReason };
  // Without reported usage, estimate (about 4 bytes a token); the charge is capped by the reservation anyway.
  return { output, ...estimateUsage(request, output), estimated: true, finishReason };
}
