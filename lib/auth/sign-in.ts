import "server-only";
import { env } from "@/lib/env";
import { getDb } from "@/lib/db";
import { peekPart, setPart } from "@/lib/runtime";
import { AppError } from "@/lib/errors";
import { randomBase62 } from "@/lib/crypto/random";
import type { SignInInput } from "./siws-message";
import { extractNonce, verifySignInOutput } from "./siws-verify";
import { createSession } from "./session";
import { recordActivity } from "@/lib/activity/events";
import { ensureAccount } from "@/lib/billing/accounts-store";
import { deleteChallengesExpiredBefore, findChallenge, insertChallenge, spendChallenge } from "./store";

const CHALLENGE_TTL_MS = 10 * 60 * 1000;
const STATEMENT = "Sign in to Solrouter. This request will not trigger a blockchain transaction or cost any fees.";

// Bare cluster names as in the SIWS spec; the local cluster is "localnet".
const CHAIN_ID: Record<string, string> = { "mainnet-beta": "mainnet", devnet: "devnet", localnet: "localnet" };

export async function issueChallenge(
  address: string | undefined,
  clientAddress = "unknown",
  now = new Date(),
  /** The page's origin when it is one of ours (lib/http/dev-origins.ts); APP_URL's by default. */
  origin?: string,
): Promise<SignInInput> {
  const e = env();
  const app = new URL(origin ?? e.APP_URL);
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
  const stored = await insertChallenge(db, {
    input,
    expiresAt: new Date(input.expirationTime!),
    now,
    clientAddress,
    maxOpen: e.SIGNIN_MAX_OPEN_CHALLENGES,
    maxOpenPerAddress: e.SIGNIN_MAX_OPEN_CHALLENGES_PER_ADDRESS,
  });
  if (!stored) {
    throw new AppError(
      "rate_limited",
      "Too many sign-in requests are open. Finish one, or wait a few minutes and try again.",
      {
        retryAfterSeconds: 60,
      },
    );
  }
  return input;
}

/**
 * Deletes challenges that expired over an hour ago (kept that long so a late verify still hears
 * "expired" or "used" rather than "unknown"); at most once a minute per instance.
 */
async function purgeExpiredChallenges(now: Date) {
  const last = peekPart("challengePurgeAt");
  if (last !== undefined && Math.abs(now.getTime() - last) < 60_000) return;
  setPart("challengePurgeAt", now.getTime());
  await deleteChallengesExpiredBefore(await getDb(), new Date(now.getTime() - 3600_000));
}

export interface SignInOutputBytes {
  address: string;
  publicKey: Uint8Array;
  signedMessage: Uint8Array;
  signature: Uint8Array;
  /** What the signature covers when not the message itself (a memo sign-in's transaction). */
  signedBytes?: Uint8Array;
}

/** Verifies a signed SIWS message against the stored challenge and opens a session. */
export async function completeSignIn(
  out: SignInOutputBytes,
  userAgent: string | null,
  now = new Date(),
  ip: string | null = null,
) {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(out.signedMessage);
  } catch {
    throw new AppError("invalid_message", "The signed message is not valid text.");
  }
  const nonce = extractNonce(text);
  if (!nonce) throw new AppError("invalid_message", "The signed message is not a Solrouter sign-in message.");

  const db = await getDb();
  const challenge = await findChallenge(db, nonce);
  if (!challenge) throw new AppError("nonce_unknown", "This sign-in request is unknown. Start again.");
  if (challenge.usedAt) throw new AppError("nonce_used", "This sign-in request was already used. Start again.");
  const issued = challenge.input;

  const verdict = verifySignInOutput({
    issued,
    signedMessage: out.signedMessage,
    signature: out.signature,
    signedBytes: out.signedBytes,
    publicKey: out.publicKey,
    accountAddress: out.address,
    now,
  });
  if (!verdict.ok) throw new AppError(verdict.code, MESSAGES[verdict.code]);

  // Spending the nonce is the single point where concurrent requests with one nonce race (its row
  // lock orders them), and only the winner gets an account row, a session and a "signed in" event.
  const won = await db.transaction(async (tx) => {
    if (!(await spendChallenge(tx, nonce, now))) return null;
    const accountId = await ensureAccount(tx, verdict.address);
    const session = await createSession(tx, accountId, userAgent, now, ip);
    await recordActivity(tx, { accountId, kind: "signed_in", ip, userAgent });
    return { accountId, ...session };
  });
  if (!won) throw new AppError("nonce_used", "This sign-in request was already used. Start again.");
  return { wallet: verdict.address, accountId: won.accountId, token: won.token, expiresAt: won.expiresAt };
}

const MESSAGES = {
  invalid_signature: "The signature does not match this wallet.",
  invalid_message: "The signed message does not match the sign-in request.",
  message_expired: "This sign-in request has expired. Start again.",
  domain_mismatch: "The signed message is for another website.",
} as const;
