import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import SwaggerParser from "@apidevtools/swagger-parser";
import { overrideEnv } from "@/lib/env";
import { ERROR_STATUS } from "@/lib/errors";
import { CreateKeyBody } from "@/lib/keys/schemas";
import { MODELS } from "@/lib/models";
import { call } from "@/lib/test/http";
import { OPERATIONS, PENDING_CODES } from "./operations";
import { GET as openapi } from "@/app/openapi.json/route";

// The document is valid OpenAPI 3.1, covers every method every public route file serves, and
// prices x402 operations as the catalogue does.

const APP_URL = "http://localhost:3000";
const ROUTE_DIRS = ["app/agent", "app/v1", "app/api/keys", "app/api/topups", "app/api/me", "app/api/usage"];
const SERVED =
  /^export\s+(?:const\s+(GET|POST|PUT|PATCH|DELETE)\s*=|async\s+function\s+(GET|POST|PUT|PATCH|DELETE)\b)/gm;

function routeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? routeFiles(full) : e.name === "route.ts" ? [full] : [];
  });
}

/** (path, method) of every handler a route file defines itself; otherMethods' 405s are destructured, so not matched. */
export function servedOperations(dirs: readonly string[]): string[] {
  return dirs
    .flatMap(routeFiles)
    .filter((f) => !f.includes("[..."))
    .flatMap((file) => {
      const urlPath = `/${path.dirname(file).split(path.sep).slice(1).join("/")}`.replace(/\[(\w+)\]/g, "{$1}");
      const src = fs.readFileSync(file, "utf8");
      return [...src.matchAll(SERVED)].map((m) => `${(m[1] ?? m[2])!.toLowerCase()} ${urlPath}`);
    });
}

let doc: any;

beforeAll(async () => {
  overrideEnv({ APP_URL });
  const res = await call(openapi, { path: "/openapi.json", origin: null });
  expect(res.status).toBe(200);
  expect(res.headers.get("access-control-allow-origin")).toBe("*");
  expect(res.headers.get("cache-control")).toBe("public, max-age=300");
  expect(res.headers.get("content-type")).toContain("application/json");
  doc = res.json;
});

describe("GET /openapi.json", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.servers).toEqual([{ url: APP_URL }]);
    // validate() dereferences in place: give it a copy.
    await expect(SwaggerParser.validate(structuredClone(doc))).resolves.toBeTruthy();
  });

  it("documents every method of every route under app/agent, app/v1 and the management API", () => {
    const served = servedOperations(ROUTE_DIRS);
    // The walk itself must find what we know is there, or an empty list would pass.
    expect(served).toEqual(
      expect.arrayContaining(["post /agent", "post /v1/chat/completions", "patch /api/keys/{id}"]),
    );
    expect(served.length).toBeGreaterThanOrEqual(16);
    const documented = Object.entries(doc.paths as Record<string, object>).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m} ${p}`),
    );
    expect(served.filter((op) => !documented.includes(op))).toEqual([]);
  });

  it("finds a route the document lacks (the walk can fail)", () => {
    const dir = fs.mkdtempSync(path.join("app", "zz-openapi-probe-"));
    try {
      fs.mkdirSync(path.join(dir, "[id]"));
      fs.writeFileSync(
        path.join(dir, "[id]", "route.ts"),
        'export const GET = x;\nexport const { POST } = otherMethods(["GET"]);\n',
      );
      expect(servedOperations([dir])).toEqual([`get /${path.basename(dir)}/{id}`]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("prices each x402-payable operation from the catalogue", () => {
    for (const [p, method] of [
      ["/agent", "post"],
      ["/v1/chat/completions", "post"],
    ] as const) {
      const info = doc.paths[p][method]["x-payment-info"];
      expect(info.protocols).toEqual([{ x402: {} }]);
      expect(info.price.mode).toBe("dynamic");
      expect(info.price.currency).toBe("USD");
      const cheapest = Math.min(...MODELS.map((m) => m.x402PriceMicro));
      expect(Number(info.price.min)).toBe(cheapest / 1_000_000);
      expect(Number(info.price.max)).toBeGreaterThan(Number(info.price.min));
      expect(
        info.models.map((m: any) => [m.id, m.x402PriceMicro, m.inputPriceMicroPerMTok, m.outputPriceMicroPerMTok]),
      ).toEqual(MODELS.map((m) => [m.id, m.x402PriceMicro, m.inputPriceMicroPerMTok, m.outputPriceMicroPerMTok]));
      expect(Number(info.models[0].minPrice)).toBe(MODELS[0]!.x402PriceMicro / 1_000_000);
      // The most a call can cost: a full context of output tokens at the output price, the rest input.
      const m = MODELS[0]!;
      const most = Math.ceil(
        ((m.contextLength - m.maxOutputTokens) * m.inputPriceMicroPerMTok +
          m.maxOutputTokens * m.outputPriceMicroPerMTok) /
          1_000_000,
      );
      expect(Number(info.models[0].maxPrice)).toBe(most / 1_000_000);
      expect(doc.paths[p][method].security).toEqual([{ apiKey: [] }, { internalJwt: [] }, { siwx: [] }, { x402: [] }]);
      expect(doc.paths[p][method].responses["402"].headers["PAYMENT-REQUIRED"]).toBeTruthy();
      expect(Object.keys(doc.paths[p][method].responses["200"].headers)).toEqual(
        expect.arrayContaining(["x-solrouter-cost-micro", "PAYMENT-RESPONSE"]),
      );
    }
    expect(doc.paths["/v1/models"].get["x-payment-info"]).toBeUndefined();
  });

  it("lists each operation's error codes in the contract's one error shape", () => {
    expect(doc.components.schemas.Error.properties.error.properties.code.enum).toEqual(Object.keys(ERROR_STATUS));
    const agent = doc.paths["/agent"].post.responses;
    const codes = (status: string) =>
      agent[status].content["application/json"].schema.allOf[1].properties.error.properties.code.enum;
    expect(agent["402"].content["application/json"].schema.allOf[0]).toEqual({ $ref: "#/components/schemas/Error" });
    expect(codes("402")).toEqual(["insufficient_balance", "key_spend_limit", "payment_required", "payment_invalid"]);
    expect(codes("400")).toContain("context_length_exceeded");
    expect(agent["429"].headers["Retry-After"]).toBeTruthy();
    for (const [status, codeList] of Object.entries(agent).filter(([s]) => Number(s) >= 400))
      for (const c of (codeList as any).content["application/json"].schema.allOf[1].properties.error.properties.code
        .enum)
        expect(ERROR_STATUS[c as keyof typeof ERROR_STATUS]).toBe(Number(status));
    expect(Object.keys(doc.paths["/api/keys"].post.responses)).toEqual(
      expect.arrayContaining(["201", "400", "401", "403", "409"]),
    );
    expect(doc.paths["/api/topups/{id}/confirm"].post.responses["422"].description).toContain("deposit_invalid");
  });

  it("lists only contract codes (or ones another change of issue 14 is adding)", () => {
    const unknown = OPERATIONS.flatMap((op) => op.errors).filter(
      (c) => !(c in ERROR_STATUS) && !PENDING_CODES.includes(c),
    );
    expect(unknown).toEqual([]);
  });

  it("describes requests and answers with the routes' own schemas", () => {
    const s = doc.components.schemas;
    // Every field the key routes parse is in the document, whatever fields they gain.
    expect(Object.keys(s.CreateKeyRequest.properties).sort()).toEqual(Object.keys(CreateKeyBody.shape).sort());
    expect(doc.paths["/api/keys"].post.requestBody.content["application/json"].schema).toEqual({
      $ref: "#/components/schemas/CreateKeyRequest",
    });
    expect(s.CreatedKey.properties.key).toEqual({ $ref: "#/components/schemas/ApiKey" });
    expect(s.AgentRequest.required).toEqual(["prompt", "model"]);
    expect(s.AgentResponse.properties.costMicro.type).toBe("integer");
    expect(s.ChatCompletionRequest.properties.messages.type).toBe("array");
    const chat = doc.paths["/v1/chat/completions"].post.responses["200"].content;
    expect(chat["application/json"].schema).toEqual({ $ref: "#/components/schemas/ChatCompletion" });
    expect(chat["text/event-stream"]).toBeTruthy();
    const usageParams = doc.paths["/api/usage"].get.parameters.map((p: any) => `${p.in}:${p.name}`);
    expect(usageParams).toEqual([
      "query:from",
      "query:to",
      "query:keyId",
      "query:model",
      "query:status",
      "query:cursor",
      "query:limit",
    ]);
    expect(doc.paths["/api/keys/{id}"].patch.parameters[0]).toMatchObject({ name: "id", in: "path", required: true });
    expect(doc.paths["/api/keys"].get.security).toEqual([{ session: [] }, { apiKey: [] }]);
    expect(doc.paths["/api/models"].get.security).toEqual([]);
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual([
      "apiKey",
      "internalJwt",
      "session",
      "siwx",
      "x402",
    ]);
    expect(doc.components.securitySchemes.x402).toMatchObject({
      type: "apiKey",
      in: "header",
      name: "PAYMENT-SIGNATURE",
    });
    expect(doc.components.securitySchemes.siwx).toMatchObject({ type: "apiKey", in: "header", name: "sign-in-with-x" });
  });
});
