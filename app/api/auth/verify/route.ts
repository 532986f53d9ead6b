import { z } from "zod";
import { completeSignIn } from "@/lib/auth/sign-in";
import { sessionCookie } from "@/lib/auth/session";
import { publicRoute, readJson, json } from "@/lib/http/handler";
import { takeSignInToken } from "@/lib/http/rate-limit";
import { otherMethods } from "@/lib/http/fallback-routes";
import { requestOrigin } from "@/lib/http/origin";

const b64 = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, "must be base64")
    .transform((s) => new Uint8Array(Buffer.from(s, "base64")));

const Body = z.object({
  output: z.object({
    account: z.object({
      address: z.string().regex(/^[1-9A-HJ-NP-Za-km-z]{32,44}$/, "must be a base58 Solana address"),
      publicKey: b64(64),
    }),
    signedMessage: b64(8192),
    signature: b64(128),
  }),
});

export const POST = publicRoute(async (req) => {
  takeSignInToken(req, "verify");
  const { output } = await readJson(req, Body);
  const result = await completeSignIn(
    {
      address: output.account.address,
      publicKey: output.account.publicKey,
      signedMessage: output.signedMessage,
      signature: output.signature,
    },
    req.headers.get("user-agent"),
    new Date(),
    requestOrigin(req).ip,
  );
  return json({ wallet: result.wallet }, { headers: { "set-cookie": sessionCookie(result.token, result.expiresAt), "cache-control": "no-store" } });
});

export const { GET, HEAD, PUT, PATCH, DELETE } = otherMethods(["POST"]);
