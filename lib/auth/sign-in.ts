import "server-only";
import { env } from "@/lib/env";
import { getDb } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { randomBase62 } from "@/lib/crypto/random";
import type { SignInInput } from "./siws-message";
import { extractNonce, verifySignInOutput } from "./siws-verify";
import { mintSessionToken } from "./session";
import { clipUserAgent, recordActivity } from "@/lib/activity/events";

const CHALLENGE_TTL_MS = 10 * 60 * 1000;
const STATEMENT = "Sign in to Solrouter. This request will not trigger a blockchain transaction or cost any fees.";

// Bare cluster names as in the SIWS spec; the local cluster is "localnet".
const CHAIN_ID: Record<string, string> = { "mainnet-beta": "mainnet", devnet: "devnet", localnet: "localnet" };

export async function issueChallenge(address: string | undefined, clientAddress = "unknown", now = new Date()): Promise<SignInInput> {
  const e = env();
  const app = new URL(e.APP_URL);
  const input: SignInInput = {
    domain: app.host,
    ...(address ? { address } : {}),
    statement: STATEMENT,
    uri: app.origin,
    version: "1",
    chainId: CHAIN_ID[e.SOLANA_CLUSTER]!,
    nonce: randomBase62(24),
    issuedAt: now.toISOString(),
    expirationTime: new Date(now.getTime() + CHALLENGE_TTL_MS).toISOString(),
  };
  const db = await getDb();
  await purgeExpiredChallenges(now);
  // Open challenges (unused, unexpired) are bounded in all and per client address, so a flood
  // cannot fill the table: each check stops counting at its bound. Concurrent requests may pass
  // the same check together, so a bound can be overshot by the number of requests in flight.
  const [row] = await db.query<{ nonce: string }>(
    `INSERT INTO signin_challenges (nonce, input, expires_at, created_at, client_address)
     SELECT $1, $2, $3, $4, $5
     WHERE (SELECT count(*) FROM (SELECT 1 FROM signin_challenges WHERE used_at IS NULL AND expires_at > $4 LIMIT $6) g) < $6
       AND (SELECT count(*) FROM (SELECT 1 FROM signin_challenges WHERE client_address = $5 AND used_at IS NULL AND expires_at > $4 LIMIT $7) a) < $7
     RETURNING nonce`,
    [input.nonce, JSON.stringify(input), new Date(input.expirationTime!), now, clientAddress, e.SIGNIN_MAX_OPEN_CHALLENGES, e.SIGNIN_MAX_OPEN_CHALLENGES_PER_ADDRESS],
  );
  if (!row) {
    throw new AppError("rate_limited", "Too many sign-in requests are open. Finish one, or wait a few minutes and try again.", {
      retryAfterSeconds: 60,
    });
  }
  return input;
}

const PURGE = Symbol.for("solrouter.challenge-purge");

/**
 * Deletes challenges that expired over an hour ago (kept that long so a late verify still hears
 * "expired" or "used" rather than "unknown"); at most once a minute per instance.
 */
async function purgeExpiredChallenges(now: Date) {
  const g = globalThis as { [PURGE]?: number };
  if (g[PURGE] !== undefined && Math.abs(now.getTime() - g[PURGE]) < 60_000) return;
  g[PURGE] = now.getTime();
  const db = await getDb();
  await db.query("DELETE FROM signin_challenges WHERE expires_at < $1", [new Date(now.getTime() - 3600_000)]);
}

export interface SignInOutputBytes {
  address: string;
  publicKey: Uint8Array;
  signedMessage: Uint8Array;
  signature: Uint8Array;
}

/** Verifies a signed SIWS message against the stored challenge and opens a session. */
export async function completeSignIn(out: SignInOutputBytes, userAgent: string | null, now = new Date(), ip: string | null = null) {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(out.signedMessage);
  } catch {
    throw new AppError("invalid_message", "The signed message is not valid text.");
  }
  const nonce = extractNonce(text);
  if (!nonce) throw new AppError("invalid_message", "The signed message is not a Solrouter sign-in message.");

  const db = await getDb();
  const [challenge] = await db.query<{ input: SignInInput | string; used_at: Date | null }>(
    "SELECT input, used_at FROM signin_challenges WHERE nonce = $1",
    [nonce],
  );
  if (!challenge) throw new AppError("nonce_unknown", "This sign-in request is unknown. Start again.");
  if (challenge.used_at) throw new AppError("nonce_used", "This sign-in request was already used. Start again.");
  const issued = typeof challenge.input === "string" ? (JSON.parse(challenge.input) as SignInInput) : challenge.input;

  const verdict = verifySignInOutput({
    issued,
    signedMessage: out.signedMessage,
    signature: out.signature,
    publicKey: out.publicKey,
    accountAddress: out.address,
    now,
  });
  if (!verdict.ok) throw new AppError(verdict.code, MESSAGES[verdict.code]);

  // One statement: spending the nonce is the single point where concurrent requests with one
  // nonce race, and only the winner gets an account row, a session and a "signed in" event.
  const session = mintSessionToken(now);
  const row = await db.transaction(async (tx) => {
    const [won] = await tx.query<{ account_id: string }>(
      `WITH spent AS (
       UPDATE signin_challenges SET used_at = $2 WHERE nonce = $1 AND used_at IS NULL RETURNING nonce
     ), account AS (
       INSERT INTO accounts (wallet) SELECT $3 FROM spent
       ON CONFLICT (wallet) DO UPDATE SET wallet = EXCLUDED.wallet RETURNING id
     )
     INSERT INTO sessions (token_hash, account_id, expires_at, created_at, last_seen_at, user_agent, ip)
     SELECT $4, id, $5, $2, $2, $6, $7 FROM account RETURNING account_id`,
      [nonce, now, verdict.address, session.tokenHash, session.expiresAt, clipUserAgent(userAgent), ip],
    );
    if (won) await recordActivity(tx, { accountId: won.account_id, kind: "signed_in", ip, userAgent });
    return won;
  });
  if (!row) throw new AppError("nonce_used", "This sign-in request was already used. Start again.");
  return { wallet: verdict.address, accountId: row.account_id, token: session.token, expiresAt: session.expiresAt };
}

const MESSAGES = {
  invalid_signature: "The signature does not match this wallet.",
  invalid_message: "The signed message does not match the sign-in request.",
  message_expired: "This sign-in request has expired. Start again.",
  domain_mismatch: "The signed message is for another website.",
} as const;
