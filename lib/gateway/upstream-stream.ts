import "server-only";
import http from "node:http";
import https from "node:https";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { SseParser } from "./sse-parser";

/** What we send to the OpenAI-compatible model server (content already flattened to text). */
export interface UpstreamChatRequest {
  model: string;
  messages: { role: "system" | "user" | "assistant"; content: string }[];
  max_tokens: number;
  temperature?: number;
  top_p?: number;
  stop?: string | string[];
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

/** How a stream ended: everything produced, and the server's own usage when it sent one. */
export interface UpstreamStreamEnd {
  output: string;
  usage: TokenUsage | null;
  finishReason: string | null;
}

/**
 * A stream that failed. `started` says whether any token had arrived: before it, the call is a
 * 502 and costs nothing; after it, `output` is what was delivered (and is charged). `aborted` is
 * our own cancellation (the client went away), not the model server's fault.
 */
export class UpstreamStreamError extends AppError {
  constructor(
    readonly started: boolean,
    readonly output: string,
    readonly aborted: boolean,
    message: string,
  ) {
    super("upstream_error", message);
    this.name = "UpstreamStreamError";
  }
}

const BYTES_PER_TOKEN = 4;

/**
 * Token counts when the server reported none (or the stream was cut before its usage): about 4
 * bytes a token, as complete() in upstream.ts estimates; the reservation caps the charge anyway.
 */
export function estimateUsage(request: UpstreamChatRequest, output: string): TokenUsage {
  const promptBytes = request.messages.reduce((n, m) => n + Buffer.byteLength(m.content), 0);
  return {
    inputTokens: Math.ceil(promptBytes / BYTES_PER_TOKEN),
    outputTokens: Math.ceil(Buffer.byteLength(output) / BYTES_PER_TOKEN),
  };
}

export interface StreamChatOptions {
  /** Aborting it closes the upstream connection at once. */
  signal?: AbortSignal;
  /** Longest silence between two pieces of the answer (default UPSTREAM_TIMEOUT_MS). */
  idleTimeoutMs?: number;
  /** The model server (default UPSTREAM_URL). */
  baseUrl?: string;
}

const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 512 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 512 }),
};

function open(url: URL, body: string, signal: AbortSignal): Promise<http.IncomingMessage> {
  const lib = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(url, {
      method: "POST",
      agent: url.protocol === "https:" ? agents.https : agents.http,
      headers: {
        "content-type": "application/json",
        accept: "text/event-stream",
        "content-length": Buffer.byteLength(body),
      },
      signal,
    });
    req.on("response", resolve);
    req.on("error", reject);
    req.end(body);
  });
}

const isCount = (n: unknown): n is number => typeof n === "number" && Number.isInteger(n) && n >= 0;

function readUsage(u: unknown): TokenUsage | null {
  const { prompt_tokens: pt, completion_tokens: ct } = (u ?? {}) as {
    prompt_tokens?: unknown;
    completion_tokens?: unknown;
  };
  return isCount(pt) && isCount(ct) ? { inputTokens: pt, outputTokens: ct } : null;
}

interface Piece {
  content?: string;
  usage: TokenUsage | null;
  finishReason?: string;
  error?: boolean;
}

/** One parsed JSON payload, streamed chunk or whole completion alike. */
function readPayload(data: string): Piece | undefined {
  let obj: {
    error?: unknown;
    usage?: unknown;
    choices?: { delta?: { content?: unknown }; message?: { content?: unknown }; finish_reason?: unknown }[];
  };
  try {
    obj = JSON.parse(data) as typeof obj;
  } catch {
    return undefined;
  }
  if (obj?.error) return { usage: null, error: true };
  const choice = obj?.choices?.[0];
  const content = choice?.delta?.content ?? choice?.message?.content;
  return {
    content: typeof content === "string" ? content : undefined,
    usage: readUsage(obj?.usage),
    finishReason: typeof choice?.finish_reason === "string" ? choice.finish_reason : undefined,
  };
}

interface StreamState {
  output: string;
  started: boolean;
  usage: TokenUsage | null;
  finishReason: string | null;
  done: boolean;
}

/** The deltas of an SSE answer, until [DONE]; usage and finish_reason go into `state`. */
async function* sseDeltas(
  res: http.IncomingMessage,
  state: StreamState,
  fail: (why: string) => Error,
  onData: () => void,
): AsyncGenerator<string, void> {
  const parser = new SseParser();
  for await (const chunk of res as AsyncIterable<Buffer>) {
    onData();
    if (state.done) continue;
    for (const ev of parser.push(chunk)) {
      if (ev.data === "[DONE]") {
        state.done = true;
        // Leaving a for-await over a response destroys its socket (Node aborts the request), so
        // every streamed call paid a new TCP connection to the model server (~0.8 ms of the
        // server's time a call in the bench profile). When the body is already complete, read
        // its end instead so the socket goes back to the keep-alive pool; otherwise close it.
        if (!res.complete) return;
        break;
      }
      const piece = readPayload(ev.data);
      if (!piece) throw fail("The model server sent an unreadable chunk.");
      if (piece.error) throw fail("The model server reported an error.");
      state.usage = piece.usage ?? state.usage;
      state.finishReason = piece.finishReason ?? state.finishReason;
      if (piece.content) {
        state.started = true;
        state.output += piece.content;
        yield piece.content;
      }
    }
  }
}

/** A server that ignores stream: true answers one JSON completion: read it whole. */
async function* wholeAnswer(
  res: http.IncomingMessage,
  state: StreamState,
  fail: (why: string) => Error,
  onData: () => void,
): AsyncGenerator<string, void> {
  const chunks: Buffer[] = [];
  for await (const chunk of res as AsyncIterable<Buffer>) {
    onData();
    chunks.push(chunk);
  }
  const piece = readPayload(Buffer.concat(chunks).toString("utf8"));
  if (!piece || piece.error || piece.content === undefined) throw fail("The model server sent an unreadable answer.");
  Object.assign(state, { usage: piece.usage, finishReason: piece.finishReason ?? null, done: true });
  if (piece.content) {
    state.started = true;
    state.output = piece.content;
    yield piece.content;
  }
}

/**
 * Streams one chat completion from the OpenAI-compatible model server: yields each content
 * delta as it arrives and returns how the stream ended. Any failure is an UpstreamStreamError.
 * Stopping the iteration early (break, return()) or aborting `signal` closes the connection.
 */
export async function* streamChat(
  request: UpstreamChatRequest,
  opts: StreamChatOptions = {},
): AsyncGenerator<string, UpstreamStreamEnd, void> {
  const e = env();
  const base = opts.baseUrl ?? e.UPSTREAM_URL;
  if (!base) throw new AppError("unavailable", "No model server is configured.");
  const url = new URL(`${base.replace(/\/$/, "")}/v1/chat/completions`);
  const body = JSON.stringify({ ...request, stream: true, stream_options: { include_usage: true } });

  const state: StreamState = { output: "", started: false, usage: null, finishReason: null, done: false };
  const ctl = new AbortController();
  const cancel = () => ctl.abort();
  opts.signal?.addEventListener("abort", cancel, { once: true });
  // The timeout is on silence, not on the whole answer: a long answer may stream for minutes.
  const idleMs = opts.idleTimeoutMs ?? e.UPSTREAM_TIMEOUT_MS;
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  // Re-armed on every chunk: refresh() restarts the one timer instead of a new one per chunk.
  const arm = () => {
    if (timer) timer.refresh();
    else timer = setTimeout(() => ((timedOut = true), ctl.abort()), idleMs);
  };
  const fail = (why: string) => {
    const aborted = opts.signal?.aborted === true;
    const message = aborted
      ? "The call was cancelled."
      : state.started
        ? `${why} The answer stops here.`
        : `${why} You were not charged.`;
    return new UpstreamStreamError(state.started, state.output, aborted, message);
  };

  try {
    if (opts.signal?.aborted) throw fail("");
    arm();
    let res: http.IncomingMessage;
    try {
      res = await open(url, body, ctl.signal);
    } catch {
      throw fail(timedOut ? "The model took too long to answer." : "The model server could not be reached.");
    }
    const status = res.statusCode ?? 0;
    if (status < 200 || status >= 300) {
      res.resume();
      throw fail(`The model server answered ${status}.`);
    }
    const sse = String(res.headers["content-type"] ?? "").includes("text/event-stream");
    try {
      yield* (sse ? sseDeltas : wholeAnswer)(res, state, fail, arm);
    } catch (err) {
      if (err instanceof UpstreamStreamError) throw err;
      throw fail(timedOut ? "The model stopped answering." : "The connection to the model server broke.");
    }
    if (!state.done) throw fail(timedOut ? "The model stopped answering." : "The model server ended the stream early.");
    return { output: state.output, usage: state.usage, finishReason: state.finishReason };
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener("abort", cancel);
    // Early exit (our client left, an error, break): close the upstream request now.
    if (!state.done) ctl.abort();
  }
}
