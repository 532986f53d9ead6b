import { z } from "zod";
import { issueChallenge } from "@/lib/auth/sign-in";
import { publicRoute, readQuery, json } from "@/lib/http/handler";
import { clientIp, takeSignInToken } from "@/lib/http/rate-limit";
import { otherMethods } from "@/lib/http/fallback-routes";

const Query = z.object({
  address: z
    .string()
    .regex(/^[1-9A-HJ-NP-Za-km-z]{32,44}$/, "must be a base58 Solana address")
    .optional(),
});

export const dynamic = "force-dynamic";

export const GET = publicRoute(async (req) => {
  takeSignInToken(req, "challenge");
  const { address } = readQuery(req, Query);
  return json({ input: await issueChallenge(address, clientIp(req)) }, { headers: { "cache-control": "no-store" } });
});

export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);
