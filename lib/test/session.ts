import nacl from "tweetnacl";
import bs58 from "bs58";
import { getDb } from "@/lib/db";
import { createSession, sessionCookieName } from "@/lib/auth/session";
import { ensureAccount } from "@/lib/billing/accounts-store";

/** A signed-in account for integration tests: a fresh wallet, its account row and a session cookie. */
export async function signedInAccount(wallet = bs58.encode(nacl.sign.keyPair().publicKey)) {
  const db = await getDb();
  const accountId = await ensureAccount(db, wallet);
  const { token } = await createSession(db, accountId, "vitest", new Date());
  return { wallet, accountId, cookie: `${sessionCookieName()}=${token}` };
}
