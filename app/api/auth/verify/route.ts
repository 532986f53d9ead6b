import { completeSignIn } from "@/lib/auth/sign-in";
import { openMemoSignIn } from "@/lib/auth/memo-sign-in";
import { sessionCookie } from "@/lib/auth/session";
import { VerifyBody, VerifyResponse } from "@/lib/auth/schemas";
import { publicRoute, readJson, respond } from "@/lib/http/handler";
import { signInLimit } from "@/lib/http/rate-limit";
import { otherMethods } from "@/lib/http/fallback-routes";
import { requestOrigin } from "@/lib/http/origin";

export const POST = publicRoute(
  async (req) => {
    const body = await readJson(req, VerifyBody);
    const result = await completeSignIn(
      "transaction" in body
        ? openMemoSignIn(body)
        : {
            address: body.output.account.address,
            publicKey: body.output.account.publicKey,
            signedMessage: body.output.signedMessage,
            signature: body.output.signature,
          },
      req.headers.get("user-agent"),
      new Date(),
      requestOrigin(req).ip,
    );
    return respond(
      VerifyResponse,
      { wallet: result.wallet },
      { headers: { "set-cookie": sessionCookie(result.token, result.expiresAt), "cache-control": "no-store" } },
    );
  },
  { rateLimit: signInLimit("verify") },
);

export const { GET, HEAD, PUT, PATCH, DELETE } = otherMethods(["POST"]);
