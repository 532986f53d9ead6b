import { isDeepStrictEqual } from "node:util";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { testDbKinds } from "@/lib/test/db";
import { call } from "@/lib/test/http";
import { fundedKey, testRuntime } from "@/lib/test/runtime";
import { MODELS, publicModel } from "@/lib/models";
import { openAiModelList } from "@/lib/gateway/openai-models";
import * as gateway from "@/lib/gateway/schemas";
import { POST as agent } from "@/app/agent/route";
import { POST as chat } from "@/app/v1/chat/completions/route";
import { GET as generation } from "@/app/v1/generations/[id]/route";
import { GET as models } from "@/app/api/models/route";
import { GET as openAiModels } from "@/app/v1/models/route";

// GET /openapi.json is generated from these schemas; here the routes' real answers are held to
// them: each answer decodes, and encodes back to exactly itself (no field the schema lacks, none
// it names missing or of another type).

function conforms(schema: z.ZodType, json: unknown): void {
  const decoded = schema.safeParse(json);
  expect(decoded.error?.issues ?? []).toEqual([]);
  const again = JSON.parse(JSON.stringify(z.encode(schema, decoded.data as never)));
  expect(
    isDeepStrictEqual(again, json),
    `${schema.description}: ${JSON.stringify(json)} ≠ ${JSON.stringify(again)}`,
  ).toBe(true);
}

describe("the model lists", () => {
  it("go out whole through their schemas (nothing the catalogue adds is dropped)", async () => {
    const mine = { models: MODELS.map(publicModel) };
    expect(z.encode(gateway.PublicModelListResponse, mine)).toEqual(mine);
    expect(z.encode(gateway.OpenAiModelListResponse, openAiModelList(MODELS))).toEqual(openAiModelList(MODELS));
    conforms(gateway.PublicModelListResponse, (await call(models, { path: "/api/models", origin: null })).json);
    conforms(gateway.OpenAiModelListResponse, (await call(openAiModels, { path: "/v1/models", origin: null })).json);
  });

  it("a field the schema lacks fails the check", () => {
    const json = { models: MODELS.map((m) => ({ ...publicModel(m), extra: 1 })) };
    expect(() => conforms(gateway.PublicModelListResponse, json)).toThrow();
  });
});

describe.each(testDbKinds())("answers of the paid API (%s)", (kind) => {
  testRuntime(kind, { model: true, env: { APP_URL: "http://localhost:3000" } });

  it("POST /agent, POST /v1/chat/completions and GET /v1/generations/{id} match their schemas", async () => {
    const key = await fundedKey(1_000_000n);
    const auth = { authorization: `Bearer ${key.secret}` };
    const a = await call(agent, {
      path: "/agent",
      origin: null,
      headers: auth,
      body: { prompt: "Hello there", model: MODELS[0]!.id, maxTokens: 32 },
    });
    expect(a.status).toBe(200);
    conforms(gateway.AgentResponseSchema, a.json);
    const c = await call(chat, {
      path: "/v1/chat/completions",
      origin: null,
      headers: auth,
      body: { model: MODELS[0]!.id, messages: [{ role: "user", content: "Hi" }], max_tokens: 32 },
    });
    expect(c.status).toBe(200);
    conforms(gateway.ChatCompletionResponse, c.json);
    const g = await call(generation, {
      path: `/v1/generations/${c.json.id}`,
      headers: auth,
      params: { id: c.json.id },
    });
    expect(g.status).toBe(200);
    conforms(gateway.GenerationResponse, g.json);
  });
});
