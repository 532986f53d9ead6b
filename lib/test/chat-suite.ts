import { afterAll, beforeAll } from "vitest";
import type { DbKind, TestDb } from "@/lib/test/db";
import { jwtSigner } from "@/lib/test/internal-jwt";
import type { MockModel } from "@/lib/test/mock-model";
import { testRuntime } from "@/lib/test/runtime";
import { serveRoutes } from "@/lib/test/serve";
import { SseParser } from "@/lib/gateway/sse-parser";
import { POST as chat } from "@/app/v1/chat/completions/route";

// One POST /v1/chat/completions suite on one database: the test runtime with the stand-in model,
// the route served over a socket (streams are read as a client reads them), an internal-JWT
// signer, and the helpers its tests share. Keys and credit: insertKey and credit
// (lib/test/runtime.ts).

export interface ChatSuite {
  readonly db: TestDb;
  readonly upstream: MockModel;
  server: Awaited<ReturnType<typeof serveRoutes>>;
  privateKey: CryptoKey;
  balance(accountId: string): Promise<bigint>;
}

/** Registers the suite's hooks; `server` and `privateKey` are set once beforeAll has run. */
export function chatSuite(kind: DbKind): ChatSuite {
  let signer: Awaited<ReturnType<typeof jwtSigner>>;
  const runtime = testRuntime(kind, {
    model: true,
    env: async () => {
      signer = await jwtSigner();
      return {
        APP_URL: "http://localhost:3000",
        INTERNAL_JWT_PUBLIC_KEYS: signer.jwks,
        KEY_RATE_LIMIT_PER_MINUTE: "1000000",
        KEY_RATE_LIMIT_BURST: "100000",
        STREAM_KEEPALIVE_MS: "300",
      };
    },
  });
  const s = {
    db: runtime.db,
    upstream: runtime.model,
    async balance(accountId: string) {
      const [a] = await runtime.db.query<{ balance_micro: string }>(
        "SELECT balance_micro FROM accounts WHERE id = $1",
        [accountId],
      );
      return BigInt(a!.balance_micro);
    },
  } as ChatSuite;
  beforeAll(async () => {
    s.privateKey = signer.privateKey;
    s.server = await serveRoutes({ "/v1/chat/completions": { POST: chat } });
  }, 120_000);
  afterAll(() => s.server?.close());
  return s;
}

/** A chat body with a system and a text-part user message. */
export const chatBody = (content: string, extra: Record<string, unknown> = {}) => ({
  model: "gpt-oss:20b",
  messages: [
    { role: "system", content: "You are terse." },
    { role: "user", content: [{ type: "text", text: content }] },
  ],
  max_tokens: 64,
  ...extra,
});

export interface StreamRead {
  status: number;
  headers: Headers;
  events: string[];
  comments: number;
}

/** Reads an SSE answer; `stopAfter` chunks with content, then the client goes away. */
export async function readStream(
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
