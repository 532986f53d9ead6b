import { z } from "zod";
import bs58 from "bs58";
import { confirmTopup } from "@/lib/billing/topup-credit";
import { AppError } from "@/lib/errors";
import { json, readJson, sessionRoute } from "@/lib/http/handler";
import { TokenBuckets } from "@/lib/http/rate-limit";
import { otherMethods } from "@/lib/http/fallback-routes";
import { requestOrigin } from "@/lib/http/origin";

const NO_STORE = { "cache-control": "no-store" };

const ConfirmBody = z.object({
  signature: z.string({ message: "is required" }).refine(isSignature, "must be a base58 transaction signature"),
});

function isSignature(s: string): boolean {
  if (!/^[1-9A-HJ-NP-Za-km-z]{64,88}$/.test(s)) return false;
  return bs58.decode(s).length === 64;
}
const Id = z.uuid();
// Every confirm may cost an RPC call; the page polls about once a second.
const confirmBuckets = new TokenBuckets(5, 40);

export const POST = sessionRoute(async (req, { session, params }) => {
  // An id that cannot exist is as unknown as another account's.
  const id = Id.safeParse(params.id);
  if (!id.success) throw new AppError("not_found", "Top-up not found.");
  const wait = confirmBuckets.take(session.accountId);
  if (wait > 0) throw new AppError("rate_limited", "Too many confirmation requests. Please wait a moment.", { retryAfterSeconds: wait });
  const { signature } = await readJson(req, ConfirmBody);
  const result = await confirmTopup(session.accountId, id.data, signature, requestOrigin(req));
  if (!result.credited) return json({ topup: result.topup }, { status: 202, headers: NO_STORE });
  return json({ topup: result.topup, balanceMicro: result.balanceMicro }, { headers: NO_STORE });
});

export const { GET, HEAD, PUT, PATCH, DELETE } = otherMethods(["POST"]);
