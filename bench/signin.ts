// Sign-in server time: challenge + verify through the route handlers, on embedded PGlite.
import nacl from "tweetnacl";
import bs58 from "bs58";
import { overrideEnv } from "@/lib/env";
import { openDb } from "@/lib/db/client";
import { setDb } from "@/lib/db";
import type { SignInInput } from "@/lib/auth/siws-message";
import { signedVerifyBody } from "@/lib/test/siws-input";
import { call } from "@/lib/test/http";
import { GET as challenge } from "@/app/api/auth/challenge/route";
import { POST as verify } from "@/app/api/auth/verify/route";
import { percentile } from "./lib/load";

export async function benchSignIn(n = 200) {
  overrideEnv({ APP_URL: "http://localhost:3000", SIGNIN_RATE_LIMIT_PER_MINUTE: "1000000", LOG_LEVEL: "silent" });
  const db = await openDb({});
  setDb(db);
  const times: number[] = [];
  // Wallets are made before the loop: a key pair in tweetnacl's pure JS costs milliseconds and,
  // made between the measured calls, left the server's code running on cold CPU caches (the
  // Ed25519 check measured 1.07 ms there against 0.2 ms warm). The wallet's signing still runs
  // between challenge and verify, as a browser's would, but outside the measured time.
  const wallets = Array.from({ length: n + 20 }, () => nacl.sign.keyPair());
  for (let i = 0; i < n + 20; i++) {
    const kp = wallets[i]!;
    const address = bs58.encode(kp.publicKey);
    // The wallet's signing is client time; only the two server round trips are measured.
    const t0 = performance.now();
    const c = await call(challenge, { path: `/api/auth/challenge?address=${address}` });
    const t1 = performance.now();
    const input = c.json.input as SignInInput;
    const body = signedVerifyBody(input, kp);
    const t2 = performance.now();
    const v = await call(verify, { body });
    const t3 = performance.now();
    if (v.status !== 200) throw new Error(`sign-in failed: ${v.text}`);
    if (i >= 20) times.push(t1 - t0 + (t3 - t2));
  }
  setDb(undefined);
  await db.close();
  times.sort((a, b) => a - b);
  return { signInServerP50Ms: +percentile(times, 50).toFixed(2), signInServerP99Ms: +percentile(times, 99).toFixed(2) };
}
