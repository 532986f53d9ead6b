import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { overrideEnv } from "@/lib/env";
import { getDb } from "@/lib/db";
import { testDbKinds } from "@/lib/test/db";
import { testRuntime } from "@/lib/test/runtime";
import { serveRoutes } from "@/lib/test/serve";
import { issueChallenge } from "@/lib/auth/sign-in";
import { installPeerCapture } from "./peer";
import { addressBucket, clientAddress } from "./rate-limit";
import { GET as challengeRoute } from "@/app/api/auth/challenge/route";
import { POST as verifyRoute } from "@/app/api/auth/verify/route";

const ORIGIN = "http://localhost:3000";

describe("client address", () => {
  it("believes only the socket without proxies, and the hops-th X-Forwarded-For entry from the right behind them", () => {
    expect(clientAddress("6.6.6.6", "10.0.0.1", 0)).toBe("10.0.0.1");
    expect(clientAddress(undefined, "10.0.0.1", 0)).toBe("10.0.0.1");
    expect(clientAddress("6.6.6.6, 203.0.113.5", "10.0.0.1", 1)).toBe("203.0.113.5");
    expect(clientAddress("6.6.6.6, 203.0.113.5, 10.0.0.9", "10.0.0.1", 2)).toBe("203.0.113.5");
    // Fewer entries than proxies: the farthest address a proxy of ours saw.
    expect(clientAddress("203.0.113.5", "10.0.0.1", 3)).toBe("203.0.113.5");
    // No header behind a proxy: the request came around it; the socket is what we know.
    expect(clientAddress(undefined, "10.0.0.1", 1)).toBe("10.0.0.1");
    expect(clientAddress(" , ", "10.0.0.1", 1)).toBe("10.0.0.1");
  });

  it("buckets IPv6 by /64 and unwraps IPv4-mapped addresses", () => {
    expect(addressBucket("203.0.113.5")).toBe("203.0.113.5");
    expect(addressBucket("::ffff:203.0.113.5")).toBe("203.0.113.5");
    expect(addressBucket("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(addressBucket("2001:0db8:0001:0002:ffff:ffff:ffff:ffff")).toBe("2001:db8:1:2::/64");
    expect(addressBucket("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(addressBucket("::1")).toBe("0:0:0:0::/64");
    expect(addressBucket("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
  });
});

describe.each(testDbKinds())("sign-in limits over HTTP (%s)", (kind) => {
  const { db } = testRuntime(kind);
  let server: Awaited<ReturnType<typeof serveRoutes>>;
  const configure = (values: Record<string, string>) =>
    overrideEnv({
      APP_URL: ORIGIN,
      SOLANA_CLUSTER: "localnet",
      LOG_LEVEL: "silent",
      TRUSTED_PROXIES: "0",
      SIGNIN_RATE_LIMIT_PER_MINUTE: "100000",
      SIGNIN_MAX_OPEN_CHALLENGES: "100000",
      SIGNIN_MAX_OPEN_CHALLENGES_PER_ADDRESS: "100000",
      ...values,
    });
  const challenge = (xff?: string) =>
    fetch(`${server.url}/api/auth/challenge`, { headers: xff ? { "x-forwarded-for": xff } : {} });
  const openChallenges = async () =>
    Number(
      (
        await (
          await getDb()
        ).query<{ n: string }>("SELECT count(*)::text AS n FROM signin_challenges WHERE used_at IS NULL")
      )[0]!.n,
    );

  beforeAll(async () => {
    configure({});
    installPeerCapture();
    server = await serveRoutes({
      "/api/auth/challenge": { GET: challengeRoute },
      "/api/auth/verify": { POST: verifyRoute },
    });
  });
  afterAll(async () => {
    await server?.close();
    configure({});
  });

  it("without proxies a made-up X-Forwarded-For per request does not escape the limit", async () => {
    configure({ SIGNIN_RATE_LIMIT_PER_MINUTE: "5" });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await challenge(`198.51.100.${i}`)).status);
    expect(statuses).toEqual([...Array(5).fill(200), ...Array(7).fill(429)]);
  });

  it("behind one proxy the client is the entry the proxy appended, whatever the client wrote before it", async () => {
    configure({ SIGNIN_RATE_LIMIT_PER_MINUTE: "4", TRUSTED_PROXIES: "1" });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await challenge(`6.6.6.${i}, 203.0.113.7`)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    // Another client behind the same proxy has its own bucket.
    expect((await challenge("203.0.113.8")).status).toBe(200);
  });

  it("rate-limits verify per client too", async () => {
    configure({ SIGNIN_RATE_LIMIT_PER_MINUTE: "3" });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${server.url}/api/auth/verify`, {
        method: "POST",
        headers: { origin: ORIGIN, "content-type": "application/json", "x-forwarded-for": `198.51.100.${i}` },
        body: "{}",
      });
      statuses.push(res.status);
      if (res.status === 429) expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    }
    expect(statuses).toEqual([400, 400, 400, 429, 429]);
  });

  it("bounds open challenges per client address and in all", async () => {
    await db.query("DELETE FROM signin_challenges");
    configure({
      SIGNIN_RATE_LIMIT_PER_MINUTE: "100001",
      TRUSTED_PROXIES: "1",
      SIGNIN_MAX_OPEN_CHALLENGES_PER_ADDRESS: "3",
      SIGNIN_MAX_OPEN_CHALLENGES: "5",
    });
    const a = [];
    for (let i = 0; i < 5; i++) a.push((await challenge("203.0.113.20")).status);
    expect(a).toEqual([200, 200, 200, 429, 429]);
    const refused = await challenge("203.0.113.20");
    expect((await refused.json()).error.code).toBe("rate_limited");
    // Two more from another client fill the table; then nobody gets one.
    expect([(await challenge("203.0.113.21")).status, (await challenge("203.0.113.21")).status]).toEqual([200, 200]);
    expect((await challenge("203.0.113.22")).status).toBe(429);
    expect(await openChallenges()).toBe(5);
    // A used challenge no longer counts.
    await db.query(
      "UPDATE signin_challenges SET used_at = now() WHERE nonce = (SELECT nonce FROM signin_challenges WHERE client_address = '203.0.113.20' LIMIT 1)",
    );
    expect((await challenge("203.0.113.20")).status).toBe(200);
  });

  it("does not count expired challenges, and purges them", async () => {
    await db.query("DELETE FROM signin_challenges");
    configure({ SIGNIN_MAX_OPEN_CHALLENGES_PER_ADDRESS: "2" });
    const old = new Date(Date.now() - 3 * 3600_000);
    for (let i = 0; i < 2; i++) await issueChallenge(undefined, "203.0.113.30", old);
    // Expired: they do not block the client, and the next issue deletes them.
    await issueChallenge(undefined, "203.0.113.30");
    await issueChallenge(undefined, "203.0.113.30");
    const rows = await db.query<{ expires_at: Date }>("SELECT expires_at FROM signin_challenges");
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => new Date(r.expires_at).getTime() > Date.now())).toBe(true);
  });
});
