import { issueChallenge } from "@/lib/auth/sign-in";
import { ChallengeQuery, ChallengeResponse } from "@/lib/auth/schemas";
import { publicRoute, readQuery, respond } from "@/lib/http/handler";
import { clientIp, signInLimit } from "@/lib/http/rate-limit";
import { otherMethods } from "@/lib/http/fallback-routes";
import { pageOrigin } from "@/lib/http/dev-origins";

export const dynamic = "force-dynamic";

export const GET = publicRoute(
  async (req) => {
    const { address } = readQuery(req, ChallengeQuery);
    return respond(
      ChallengeResponse,
      { input: await issueChallenge(address, clientIp(req), new Date(), pageOrigin(req)) },
      { headers: { "cache-control": "no-store" } },
    );
  },
  { rateLimit: signInLimit("challenge") },
);

export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);
