import "server-only";
import { isIPv4, isIPv6 } from "node:net";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/log";
import { currentPeer, peerCaptureInstalled } from "./peer";

// In-process token buckets. Each instance limits on its own; the limits are set per instance.
export class TokenBuckets {
  private buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly maxKeys = 50_000,
  ) {}

  /** Takes one token; returns 0 when allowed, else the seconds until one is available. */
  take(key: string, now = performance.now()): number {
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= this.maxKeys) this.evict(now);
      b = { tokens: this.burst, at: now };
      this.buckets.set(key, b);
    } else {
      b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.ratePerSecond);
      b.at = now;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return (1 - b.tokens) / this.ratePerSecond;
  }

  private evict(now: number) {
    // Buckets that have refilled completely carry no information.
    for (const [k, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * this.ratePerSecond >= this.burst) this.buckets.delete(k);
    }
    if (this.buckets.size >= this.maxKeys) this.buckets.clear();
  }
}

/**
 * The client's address. With `hops` trusted reverse proxies in front (TRUSTED_PROXIES), each
 * appending the address it saw to X-Forwarded-For, the client is the `hops`-th entry from the
 * right (entries further left are whatever the client wrote); a shorter list means the request
 * skipped the outer proxies, and its leftmost entry is the farthest address a proxy of ours saw.
 * With no proxy, only the socket's address counts.
 */
export function clientAddress(forwardedFor: string | undefined, peer: string | undefined, hops: number): string | undefined {
  if (hops === 0) return peer;
  const chain = (forwardedFor ?? "").split(",").map((a) => a.trim()).filter(Boolean);
  if (!chain.length) return peer;
  return chain[Math.max(0, chain.length - hops)];
}

/** IPv4 as is; IPv6 by its /64, which one subscriber typically holds whole (2^64 addresses). */
export function addressBucket(address: string): string {
  const a = address.replace(/%.*$/, "");
  if (a.toLowerCase().startsWith("::ffff:") && isIPv4(a.slice(7))) return a.slice(7);
  if (!isIPv6(a)) return a;
  const [head, tail] = a.toLowerCase().split("::") as [string, string | undefined];
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill("0"), ...t];
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, "")).join(":")}::/64`;
}

let warnedNoPeer = false;

/** The request's client address (see clientAddress), as seen; undefined when unknown. For logs. */
export function requestAddress(req: Request): string | undefined {
  const peer = currentPeer();
  // Without a captured connection (a handler called directly), only a proxy's header is known.
  const forwardedFor = peer ? peer.forwardedFor : (req.headers.get("x-forwarded-for") ?? undefined);
  const address = clientAddress(forwardedFor, peer?.address, env().TRUSTED_PROXIES);
  if (!address && !warnedNoPeer && peerCaptureInstalled()) {
    warnedNoPeer = true;
    logger().warn("a request arrived without its connection's address; rate limits treat such clients as one");
  }
  return address;
}

/** The rate-limit key of the request's client: its address (IPv6: its /64), or "unknown". */
export function clientIp(req: Request): string {
  const address = requestAddress(req);
  return address ? addressBucket(address) : "unknown";
}

const SIGNIN = Symbol.for("solrouter.signin-limits");

/** Sign-in steps (challenge, verify) allow SIGNIN_RATE_LIMIT_PER_MINUTE per client address each. */
export function takeSignInToken(req: Request, step: "challenge" | "verify"): void {
  const g = globalThis as { [SIGNIN]?: { perMinute: number; buckets: Record<string, TokenBuckets> } };
  const perMinute = env().SIGNIN_RATE_LIMIT_PER_MINUTE;
  if (g[SIGNIN]?.perMinute !== perMinute) g[SIGNIN] = { perMinute, buckets: {} };
  const buckets = (g[SIGNIN].buckets[step] ??= new TokenBuckets(perMinute / 60, perMinute));
  const wait = buckets.take(clientIp(req));
  if (wait > 0) throw new AppError("rate_limited", "Too many sign-in attempts. Wait a moment and try again.", { retryAfterSeconds: wait });
}
