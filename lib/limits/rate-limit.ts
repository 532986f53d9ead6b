import { AppError } from "@/lib/errors";
import { TokenBuckets } from "./token-buckets";

export { TokenBuckets };

/**
 * A route's rate limit, given to the route wrapper (lib/http/handler.ts) as an option: one token
 * per request from the caller's bucket, taken once the caller is known and before the handler
 * runs; an empty bucket is 429 rate_limited with Retry-After.
 */
export interface RateLimit<C> {
  /** The buckets; a function when they depend on configuration read per request. */
  buckets: TokenBuckets | (() => TokenBuckets);
  /** Whose bucket: an account id, a client address… */
  key: (req: Request, ctx: C) => string;
  /** What the person is told, in plain words. */
  message: string;
}

export function takeToken<C>(limit: RateLimit<C>, req: Request, ctx: C): void {
  const buckets = typeof limit.buckets === "function" ? limit.buckets() : limit.buckets;
  const wait = buckets.take(limit.key(req, ctx));
  if (wait > 0) throw new AppError("rate_limited", limit.message, { retryAfterSeconds: wait });
}

/** Per signed-in account: `burst` requests at once, then `perSecond`. */
export function perAccount(
  perSecond: number,
  burst: number,
  message: string,
): RateLimit<{ session: { accountId: string } }> {
  return { buckets: new TokenBuckets(perSecond, burst), key: (_req, ctx) => ctx.session.accountId, message };
}
