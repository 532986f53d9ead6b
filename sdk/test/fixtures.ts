import { afterAll, afterEach, beforeAll, beforeEach, vi } from "vitest";
import { startMockServer, type MockServer, type Reply } from "./mock-server.js";

// 51 chars: prefix + 38 base62. SECRET is the part that must never show up in output.
export const SECRET = "S3cr3tTa1l".repeat(4).slice(0, 34);
export const API_KEY = `sk_solrouter_Ab3x${SECRET}`;

export const SUCCESS = {
  id: "run_123",
  model: "gpt-oss:20b",
  output: "hi!",
  usage: { inputTokens: 3, outputTokens: 2 },
  costMicro: 42,
};

export interface MockApi {
  server: MockServer;
  /** Replies the server gives, in order; the last one repeats. */
  replies: Reply[];
}

/**
 * Registers hooks for a file-wide mock Solrouter and returns a handle whose fields are filled in
 * by beforeAll. Also blanks the SOLROUTER_* env vars so the developer's own setup can't leak in.
 */
export function setupMockApi(): MockApi {
  const api = { replies: [] } as unknown as MockApi;
  beforeAll(async () => {
    api.server = await startMockServer(
      (_req, index) => api.replies[Math.min(index, api.replies.length - 1)] ?? { status: 500 },
    );
  });
  afterAll(() => api.server.close());
  beforeEach(() => {
    api.server.requests.length = 0;
    api.replies = [];
    vi.stubEnv("SOLROUTER_API_KEY", "");
    vi.stubEnv("SOLROUTER_BASE_URL", "");
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });
  return api;
}
