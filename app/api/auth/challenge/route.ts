import { z } from "zod";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { issueChallenge } from "@/lib/auth/sign-in";
import { publicRoute, readQuery, json } from "@/lib/http/handler";
import { TokenBuckets, clientIp } from "@/lib/http/rate-limit";
import { otherMethods } from "@/lib/http/fallback-routes";

const Query = z.object({
  address: z
    .string()
    .regex(/^[1-9A-HJ-NP-Za-km-z]{32,44}$/, "must be a base58 Solana address")
    .optional(),
});

const KEY = Symbol.for("solrouter.challenge-limit");
function limiter(): TokenBuckets {
  const g = globalThis as { [KEY]?: { perMinute: number; buckets: TokenBuckets } };
  const perMinute = env().SIGNIN_RATE_LIMIT_PER_MINUTE;
  if (g[KEY]?.perMinute !== perMinute) g[KEY] = { perMinute, buckets: new TokenBuckets(perMinute / 60, perMinute) };
  return g[KEY].buckets;
}

export const dynamic = "force-dynamic";

export const GET = publicRoute(async (req) => {
  const wait = limiter().take(clientIp(req));
  if (wait > 0) throw new AppError("rate_limited", "Too many sign-in attempts. Wait a moment and try again.", { retryAfterSeconds: wait });
  const { address } = readQuery(req, Query);
  return json({ input: await issueChallenge(address) }, { headers: { "cache-control": "no-store" } });
});

export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);
