import { AppError } from "@/lib/errors";
import { json, sessionRoute } from "@/lib/http/handler";
import { jsonError } from "@/lib/http/errors";
import { TokenBuckets } from "@/lib/http/rate-limit";
import { chainConfig } from "@/lib/solana/config";
import { requestTestTokens } from "@/lib/solana/dev-faucet";
import { otherMethods } from "@/lib/http/fallback-routes";

// Three requests, then one every 20 seconds, per account.
const buckets = new TokenBuckets(1 / 20, 3);

const faucet = sessionRoute(async (_req, { session }) => {
  const wait = buckets.take(session.accountId);
  if (wait > 0) throw new AppError("rate_limited", "You just received test tokens. Please wait a little before asking again.", { retryAfterSeconds: wait });
  return json(await requestTestTokens(session.wallet), { headers: { "cache-control": "no-store" } });
});

// Off localnet the route does not exist, for anyone, signed in or not.
export const POST: typeof faucet = async (req, route) =>
  chainConfig().cluster === "localnet" ? faucet(req, route) : jsonError("not_found", "Not found.");

export const { GET, HEAD, PUT, PATCH, DELETE } = otherMethods(["POST"]);
