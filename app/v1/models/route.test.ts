import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { overrideEnv } from "@/lib/env";
import { MODELS, type Model } from "@/lib/models";
import { contextLengthOf, DEFAULT_CONTEXT_LENGTH } from "@/lib/gateway/openai-models";
import { serveRoutes } from "@/lib/test/serve";
import { GET, OPTIONS } from "./route";

describe("GET /v1/models over HTTP", () => {
  let server: Awaited<ReturnType<typeof serveRoutes>>;
  beforeAll(async () => {
    overrideEnv({ APP_URL: "http://localhost:3000" });
    server = await serveRoutes({ "/v1/models": { GET, OPTIONS } });
  });
  afterAll(() => server.close());

  it("lists the catalogue in OpenAI's shape with prices and context length", async () => {
    const res = await fetch(`${server.url}/v1/models`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.headers.get("x-request-id")).toMatch(/^\S{6,}$/);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    const body = await res.json();
    expect(body.object).toBe("list");
    expect(body.data).toHaveLength(MODELS.length);
    for (const [i, m] of MODELS.entries()) {
      expect(body.data[i]).toEqual({
        id: m.id,
        object: "model",
        created: 1767225600,
        owned_by: "solrouter",
        pricing: {
          inputPriceMicroPerMTok: m.inputPriceMicroPerMTok,
          outputPriceMicroPerMTok: m.outputPriceMicroPerMTok,
        },
        context_length: expect.any(Number),
      });
      expect(body.data[i].context_length).toBe(contextLengthOf(m));
    }
  });

  it("ignores an Authorization header, and lets browsers send one (preflight)", async () => {
    const res = await fetch(`${server.url}/v1/models`, { headers: { authorization: "Bearer sk-whatever" } });
    expect(res.status).toBe(200);
    const pre = await fetch(`${server.url}/v1/models`, {
      method: "OPTIONS",
      headers: {
        origin: "https://app.example",
        "access-control-request-method": "GET",
        "access-control-request-headers": "authorization",
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-headers")).toContain("authorization");
    expect(pre.headers.get("access-control-allow-methods")).toContain("GET");
  });

  it("echoes the caller's x-request-id", async () => {
    const res = await fetch(`${server.url}/v1/models`, { headers: { "x-request-id": "trace-123" } });
    expect(res.headers.get("x-request-id")).toBe("trace-123");
  });
});

describe("contextLengthOf", () => {
  const base = MODELS[0]!;
  it("reads the catalogue's contextLength, else its contextTokens, else the default", () => {
    expect(base.contextLength).toBe(131_072);
    expect(contextLengthOf(base)).toBe(base.contextLength);
    expect(contextLengthOf({ ...base, contextLength: 8_192 })).toBe(8_192);
    const { contextLength: _, ...bare } = base;
    expect(contextLengthOf({ ...bare, contextTokens: 32_768 } as unknown as Model)).toBe(32_768);
    expect(contextLengthOf(bare as Model)).toBe(DEFAULT_CONTEXT_LENGTH);
  });
});
