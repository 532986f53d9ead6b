import { z } from "zod";
import { createTopup, listTopups } from "@/lib/billing/topups";
import { AppError } from "@/lib/errors";
import { json, readJson, readQuery, sessionRoute } from "@/lib/http/handler";
import { TokenBuckets } from "@/lib/http/rate-limit";
import { otherMethods } from "@/lib/http/fallback-routes";

const NO_STORE = { "cache-control": "no-store" };
// Each intent is a row and a fresh reference; a person needs a few a minute at most.
const intentBuckets = new TokenBuckets(1, 20);

const CreateTopupBody = z.object({
  token: z.enum(["USDC", "ROUTER"], { message: 'must be "USDC" or "ROUTER"' }),
  // Whole micro-USD between $1 and $10,000.
  creditMicro: z
    .number({ message: "must be a number of micro-USD" })
    .int("must be a whole number of micro-USD")
    .min(1_000_000, "a top-up is at least $1.00 (1000000)")
    .max(10_000_000_000, "a top-up is at most $10,000.00 (10000000000)"),
});

const ListQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) });

export const GET = sessionRoute(async (req, { session }) => {
  const { limit } = readQuery(req, ListQuery);
  return json({ topups: await listTopups(session.accountId, limit) }, { headers: NO_STORE });
});

export const POST = sessionRoute(async (req, { session }) => {
  const wait = intentBuckets.take(session.accountId);
  if (wait > 0) throw new AppError("rate_limited", "Too many top-up requests at once. Please wait a moment.", { retryAfterSeconds: wait });
  const body = await readJson(req, CreateTopupBody);
  const topup = await createTopup(session.accountId, { token: body.token, creditMicro: BigInt(body.creditMicro) });
  return json({ topup }, { status: 201, headers: NO_STORE });
});

export const { PUT, PATCH, DELETE } = otherMethods(["GET", "POST"]);
