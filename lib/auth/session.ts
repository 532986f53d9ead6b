import "server-only";
import { env } from "@/lib/env";
import { getDb, type Queryable } from "@/lib/db";
import { randomToken, sha256Hex } from "@/lib/crypto/random";
import { clipUserAgent, recordActivity, type RequestOrigin } from "@/lib/activity/events";
import { deleteSessionByTokenHash, findLiveSession, insertSession, touchSession } from "./store";

// On https the cookie is `__Host-sr_session`: browsers accept that name only with Secure,
// Path=/ and no Domain, and only from this exact https origin, so no sibling subdomain and no
// plain-http page can plant one (cookie tossing). On plain http (local dev) a Secure cookie would
// be refused (Chromium makes an exception for localhost only, not for 127.0.0.1 or a LAN
// address), and so would the prefix: there it stays `sr_session`.
const PLAIN_COOKIE = "sr_session";
const HOST_COOKIE = "__Host-sr_session";
const SESSION_TTL_MS = 7 * 24 * 3600 * 1000;
// last_seen_at is advisory: refresh it at most this often so reads stay reads.
const LAST_SEEN_GRANULARITY_MS = 5 * 60 * 1000;

export interface SessionAccount {
  accountId: string;
  wallet: string;
  tokenHash: string;
}

/** A fresh session token; only its SHA-256 is ever stored. */
export function mintSessionToken(now: Date) {
  const token = randomToken(32);
  return { token, tokenHash: sha256Hex(token), expiresAt: new Date(now.getTime() + SESSION_TTL_MS) };
}

/** Opens a session for the account (sign-in, and the tests' signed-in accounts); returns the cookie's token. */
export async function createSession(
  q: Queryable,
  accountId: string,
  userAgent: string | null,
  now: Date,
  ip: string | null = null,
) {
  const { token, tokenHash, expiresAt } = mintSessionToken(now);
  await insertSession(q, { tokenHash, accountId, expiresAt, now, userAgent: clipUserAgent(userAgent), ip });
  return { token, expiresAt };
}

export async function findSession(token: string | undefined, now = new Date()): Promise<SessionAccount | null> {
  if (!token || token.length > 100) return null;
  const db = await getDb();
  const tokenHash = sha256Hex(token);
  const row = await findLiveSession(db, tokenHash, now);
  if (!row) return null;
  if (now.getTime() - row.lastSeenAt.getTime() > LAST_SEEN_GRANULARITY_MS) await touchSession(db, tokenHash, now);
  return { accountId: row.accountId, wallet: row.wallet, tokenHash };
}

export async function deleteSession(token: string | undefined, origin: RequestOrigin = {}): Promise<void> {
  if (!token) return;
  const db = await getDb();
  await db.transaction(async (tx) => {
    const accountId = await deleteSessionByTokenHash(tx, sha256Hex(token));
    if (accountId) await recordActivity(tx, { accountId, kind: "signed_out", ...origin });
  });
}

const onHttps = () => env().APP_URL.startsWith("https:");

/** The session cookie's name for this deployment: `__Host-sr_session` on https, else `sr_session`. */
export function sessionCookieName(): string {
  return onHttps() ? HOST_COOKIE : PLAIN_COOKIE;
}

export function sessionCookie(token: string, expiresAt: Date): string {
  const secure = onHttps() ? "; Secure" : "";
  return `${sessionCookieName()}=${token}; Path=/; HttpOnly; SameSite=Lax; Expires=${expiresAt.toUTCString()}${secure}`;
}

/** Set-Cookie values that end the session in the browser (on https, a pre-prefix `sr_session` too). */
export function clearedSessionCookies(): string[] {
  const clear = (name: string) => `${name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${onHttps() ? "; Secure" : ""}`;
  return onHttps() ? [clear(HOST_COOKIE), clear(PLAIN_COOKIE)] : [clear(PLAIN_COOKIE)];
}

/** Every value sent under exactly this cookie name, in order (a header may carry a name twice). */
export function readCookies(header: string | null, name: string): string[] {
  if (!header) return [];
  const out: string[] = [];
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i > 0 && part.slice(0, i).trim() === name) out.push(part.slice(i + 1).trim());
  }
  return out;
}

/**
 * The session token in a Cookie header, if there is exactly one. We only ever set one host-only
 * cookie at Path=/, which the browser replaces in place; a second value under the name was put
 * there by someone else (a sibling subdomain or an http page on plain-http deployments; on https
 * the prefix rules it out). Browsers send the longer-Path one first, so "first wins" let such a
 * cookie pick the account: a victim could top up the attacker's account. Trying each value does
 * not help either (both are valid sessions), so an ambiguous header is no session at all; signing
 * out (which ends every session it carries) or signing in again repairs it.
 */
export function sessionToken(header: string | null): string | undefined {
  const values = new Set(readCookies(header, sessionCookieName()));
  return values.size === 1 ? [...values][0] : undefined;
}

/** Every session token the header carries under our name, for signing out. */
export function sessionTokens(header: string | null): string[] {
  return [...new Set(readCookies(header, sessionCookieName()))];
}
