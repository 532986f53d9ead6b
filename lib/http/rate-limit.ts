import "server-only";
import { isIPv4, isIPv6 } from "node:net";
import { env } from "@/lib/env";
import type { RateLimit } from "@/lib/limits/rate-limit";
import { TokenBuckets } from "@/lib/limits/token-buckets";
import { logger } from "@/lib/log";
import { peekPart, setPart } from "@/lib/runtime";
import { currentPeer, peerCaptureInstalled } from "./peer";

/**
 * The client's address. With `hops` trusted reverse proxies in front (TRUSTED_PROXIES), each
 * appending the address it saw to X-Forwarded-For, the client is the `hops`-th entry from the
 * right (entries further left are whatever the client wrote); a shorter list means the request
 * skipped the outer proxies, and its leftmost entry is the farthest address a proxy of ours saw.
 * With no proxy, only the socket's address counts.
 */
export function clientAddress(
  forwardedFor: string | undefined,
  peer: string | undefined,
  hops: number,
): string | undefined {
  if (hops === 0) return peer;
  const chain = (forwardedFor ?? "")
    .split(",")
    .map((a) => a.trim())
    .filter(Boolean);
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
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
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

/** Sign-in steps (challenge, verify) allow SIGNIN_RATE_LIMIT_PER_MINUTE per client address each. */
export function signInLimit(step: "challenge" | "verify"): RateLimit<unknown> {
  return {
    buckets: () => {
      const perMinute = env().SIGNIN_RATE_LIMIT_PER_MINUTE;
      let limits = peekPart("signInLimits");
      if (limits?.perMinute !== perMinute) setPart("signInLimits", (limits = { perMinute, buckets: {} }));
      return (limits.buckets[step] ??= new TokenBuckets(perMinute / 60, perMinute));
    },
    key: (req) => clientIp(req),
    message: "Too many sign-in attempts. Wait a moment and try again.",
  };
}
