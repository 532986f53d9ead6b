import "server-only";
import { isDeepStrictEqual } from "node:util";
import { z } from "zod";
import { env } from "@/lib/env";

/** JSON with bigint money fields written as plain integers. For answers without a schema. */
export function json(data: unknown, init: ResponseInit = {}): Response {
  const body = JSON.stringify(data, (_k, v) => (typeof v === "bigint" ? Number(v) : v));
  const headers = new Headers(init.headers);
  headers.set("content-type", "application/json");
  return new Response(body, { ...init, headers });
}

/**
 * The JSON answer for `value`, built through its response schema: the schema's codecs write
 * bigints as integers and Dates as ISO strings, and only the fields it names go out. A value
 * the schema rejects is our bug, so it is a 500 (logged), never a client's 400.
 */
export function respond<S extends z.ZodType>(schema: S, value: z.output<S>, init: ResponseInit = {}): Response {
  let data: unknown;
  try {
    data = z.encode(schema, value);
  } catch (err) {
    throw new Error(`response does not match ${schema.description ?? "its schema"}`, { cause: err });
  }
  // Outside production a field the schema would drop fails loudly, so a domain type and its
  // schema cannot drift apart without a test noticing.
  if (env().NODE_ENV !== "production") checkNothingDropped(schema, value, data);
  return json(data, init);
}

function checkNothingDropped(schema: z.ZodType, value: unknown, encoded: unknown) {
  const plain = (v: unknown) => JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? Number(x) : x)));
  const before: unknown = plain(value);
  const after: unknown = plain(encoded);
  if (!isDeepStrictEqual(before, after))
    throw new Error(
      `response schema ${schema.description ?? ""} drops or changes fields: ${JSON.stringify(before)} became ${JSON.stringify(after)}`,
    );
}
