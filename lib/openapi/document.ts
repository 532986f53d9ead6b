import "server-only";
import { z } from "zod";
import { ERROR_STATUS } from "@/lib/errors";
import { OPERATIONS, type Auth, type Operation } from "./operations";
import { NAMED_SCHEMAS } from "./schema-names";
import { paymentInfo } from "./payment-info";

// GET /openapi.json: OpenAPI 3.1 generated from the zod schemas the routes parse and answer with
// (z.toJSONSchema over one registry, so shared schemas become $refs), the operations table, the
// contract's error codes (lib/errors.ts) and the model catalogue's prices. Nothing here restates
// a field: change a schema and the document follows.

type Json = Record<string, unknown>;
const REF = (name: string) => `#/components/schemas/${name}`;

/** The contract's error shape; `code` lists every code lib/errors.ts knows. */
export const ErrorResponseSchema = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(ERROR_STATUS) as [string, ...string[]]).describe("A contract error code"),
      message: z.string().describe("Plain words for people"),
      type: z.string().optional().describe("OpenAI's error type (only on /v1)"),
    }),
  })
  .describe("Every non-2xx JSON answer");

const SECURITY_SCHEMES = {
  apiKey: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "sk_solrouter_…",
    description:
      "`Authorization: Bearer sk_solrouter_…`: calls are billed from the account's prepaid balance. On the " +
      "account endpoints only a management key (created with canManageKeys: true) is accepted.",
  },
  internalJwt: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "Short-lived internal JWTs of Solrouter's own products (EdDSA or ES256); nothing public issues them.",
  },
  x402: {
    type: "apiKey",
    in: "header",
    name: "PAYMENT-SIGNATURE",
    description:
      "An x402 v2 payment for this one call: call without credentials, read the PAYMENT-REQUIRED header of the " +
      "402 (base64 JSON, scheme exact, USDC on Solana), sign it, repeat the request with this header.",
  },
  siwx: {
    type: "apiKey",
    in: "header",
    name: "sign-in-with-x",
    description:
      "Sign in with x402 (the x402 sign-in-with-x extension, SIWS message, Ed25519): a wallet whose Solrouter account " +
      "has the balance for the call signs the challenge in the 402's PAYMENT-REQUIRED (extensions['sign-in-with-x']) " +
      "and repeats the request with the base64 JSON proof; the call is billed from that balance. Single use, valid 5 minutes. " +
      "Without the balance the answer is the 402 again (or the PAYMENT-SIGNATURE sent along is used).",
  },
  session: {
    type: "apiKey",
    in: "cookie",
    name: "sr_session",
    description:
      "The dashboard's Sign-In-With-Solana session (GET /api/auth/challenge, POST /api/auth/verify). " +
      "State-changing requests must also send an Origin equal to this site's.",
  },
};

const SECURITY: Record<Auth, Json[]> = {
  public: [],
  caller: [{ apiKey: [] }, { internalJwt: [] }, { siwx: [] }, { x402: [] }],
  generation: [{ apiKey: [] }, { internalJwt: [] }],
  account: [{ session: [] }, { apiKey: [] }],
};

/** What a metered call's answer carries besides its body. */
const CALL_HEADERS = {
  "x-request-id": { description: "The request's id (on every answer)", schema: { type: "string" } },
  "x-solrouter-cost-micro": { description: "What the call cost (integer micro-USD)", schema: { type: "string" } },
  "PAYMENT-RESPONSE": { description: "x402 calls: the settlement (base64 JSON)", schema: { type: "string" } },
  "idempotent-replayed": {
    description: "true when the answer is the stored result of an earlier call with the same Idempotency-Key",
    schema: { type: "string" },
  },
};

/** JSON Schema for one schema, on its own (parameters), in the wire form a client sends or reads. */
function standalone(schema: z.ZodType): Json {
  const { $schema: _s, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Json;
  return rest;
}

function components(): Record<string, Json> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries({ ...NAMED_SCHEMAS, Error: ErrorResponseSchema }))
    registry.add(schema, { id });
  const out = z.toJSONSchema(registry, { io: "input", unrepresentable: "any", uri: REF }) as {
    schemas: Record<string, Json>;
  };
  return Object.fromEntries(Object.entries(out.schemas).map(([id, { $schema: _s, $id: _i, ...rest }]) => [id, rest]));
}

const nameOf = new Map<z.ZodType, string>(Object.entries(NAMED_SCHEMAS).map(([k, v]) => [v, k]));
const schemaRef = (schema: z.ZodType): Json => {
  const name = nameOf.get(schema);
  return name ? { $ref: REF(name) } : standalone(schema);
};

function parameters(op: Operation): Json[] {
  const out: Json[] = Object.entries(op.params ?? {}).map(([name, schema]) => ({
    name,
    in: "path",
    required: true,
    schema: standalone(schema),
  }));
  if (op.query) {
    const q = standalone(op.query) as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, schema] of Object.entries(q.properties ?? {}))
      out.push({
        name,
        in: "query",
        required: q.required?.includes(name) ?? false,
        ...(typeof schema.description === "string" ? { description: schema.description } : {}),
        schema,
      });
  }
  if (op.auth === "caller")
    out.push({
      name: "Idempotency-Key",
      in: "header",
      required: false,
      description: "With an API key: a repeat within 24 h with the same body answers the stored result",
      schema: { type: "string", minLength: 1, maxLength: 255 },
    });
  return out;
}

/** The error answers by status, each narrowing the shared Error schema to the operation's codes. */
function errorResponses(op: Operation): Record<string, Json> {
  const byStatus = new Map<number, string[]>();
  for (const code of new Set(op.errors)) {
    const status = (ERROR_STATUS as Record<string, number>)[code];
    if (status === undefined) continue; // not (yet) a contract code of this build
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const out: Record<string, Json> = {};
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    const headers: Json = {};
    if (status === 402 && op.x402)
      headers["PAYMENT-REQUIRED"] = {
        description: "With payment_required: the x402 v2 payment requirements for this body (base64 JSON)",
        schema: { type: "string" },
      };
    if (codes.includes("rate_limited"))
      headers["Retry-After"] = { description: "Seconds to wait (rate_limited)", schema: { type: "integer" } };
    out[String(status)] = {
      description: codes.map((c) => `\`${c}\``).join(", "),
      ...(Object.keys(headers).length ? { headers } : {}),
      content: {
        "application/json": {
          schema: {
            allOf: [{ $ref: REF("Error") }, { properties: { error: { properties: { code: { enum: codes } } } } }],
          },
        },
      },
    };
  }
  return out;
}

function operation(op: Operation): Json {
  const responses: Record<string, Json> = {};
  for (const [status, r] of Object.entries(op.responses)) {
    if (r instanceof z.ZodType) {
      const content: Json = { "application/json": { schema: schemaRef(r) } };
      if (op.stream && status === "200")
        content[op.stream.mediaType] = {
          schema: { type: "string", description: op.stream.description },
          "x-event-schema": schemaRef(op.stream.chunk),
        };
      responses[status] = {
        description: r.description ?? "OK",
        ...(op.auth === "caller" && status === "200" ? { headers: CALL_HEADERS } : {}),
        content,
      };
    } else
      responses[status] = { description: r.description, content: { [r.mediaType]: { schema: { type: "string" } } } };
  }
  Object.assign(responses, errorResponses(op));
  const params = parameters(op);
  return {
    operationId: op.operationId,
    tags: [op.tag],
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    security: SECURITY[op.auth],
    ...(params.length ? { parameters: params } : {}),
    ...(op.body
      ? { requestBody: { required: true, content: { "application/json": { schema: schemaRef(op.body) } } } }
      : {}),
    responses,
    ...(op.x402 ? { "x-payment-info": paymentInfo(op.x402) } : {}),
  };
}

export function openApiDocument(appUrl: string): Json {
  const base = appUrl.replace(/\/+$/, "");
  const paths: Record<string, Record<string, Json>> = {};
  for (const op of OPERATIONS) (paths[op.path] ??= {})[op.method] = operation(op);
  return {
    openapi: "3.1.0",
    info: {
      title: "Solrouter API",
      version: "1.0.0",
      description:
        "Pay-per-call LLMs for Solana wallets. Call POST /agent or the OpenAI-compatible /v1 with an API key " +
        "(prepaid balance), or pay each call with x402 (USDC on Solana) without an account. Money is integer " +
        "micro-USD (1 USD = 1,000,000) in fields ending in Micro. Errors: {error: {code, message}}.",
      "x-guidance":
        "Without an account: POST /agent or /v1/chat/completions with no credentials to get a 402 priced for " +
        "your body, pay it with x402 (PAYMENT-SIGNATURE) and repeat. With a key: Authorization: Bearer " +
        "sk_solrouter_…. Models and prices: GET /api/models. See /llms.txt.",
    },
    servers: [{ url: base }],
    externalDocs: { description: "Docs", url: `${base}/docs` },
    tags: ["API", "OpenAI-compatible", "Models", "Keys", "Top-ups", "Account", "Usage"].map((name) => ({ name })),
    paths,
    components: { schemas: components(), securitySchemes: SECURITY_SCHEMES },
  };
}
