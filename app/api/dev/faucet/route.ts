import { respond, sessionRoute } from "@/lib/http/handler";
import { jsonError } from "@/lib/http/errors";
import { perAccount } from "@/lib/limits/rate-limit";
import { chainConfig } from "@/lib/solana/config";
import { requestTestTokens } from "@/lib/solana/dev-faucet";
import { FaucetResponse } from "@/lib/solana/schemas";
import { otherMethods } from "@/lib/http/fallback-routes";

const faucet = sessionRoute(
  async (_req, { session }) =>
    respond(FaucetResponse, await requestTestTokens(session.wallet), { headers: { "cache-control": "no-store" } }),
  // Three requests, then one every 20 seconds, per account.
  { rateLimit: perAccount(1 / 20, 3, "You just received test tokens. Please wait a little before asking again.") },
);

// Off localnet the route does not exist, for anyone, signed in or not.
export const POST: typeof faucet = async (req, route) =>
  chainConfig().cluster === "localnet" ? faucet(req, route) : jsonError("not_found", "Not found.");

export const { GET, HEAD, PUT, PATCH, DELETE } = otherMethods(["POST"]);
