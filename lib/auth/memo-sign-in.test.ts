import { afterAll, beforeAll, describe, expect, it } from "vitest";
import nacl from "tweetnacl";
import { Keypair, PublicKey, SystemProgram, type Transaction } from "@solana/web3.js";
import { overrideEnv } from "@/lib/env";
import { resetRuntime } from "@/lib/runtime";
import { testDbKinds, openTestDb, type TestDb } from "@/lib/test/db";
import { call } from "@/lib/test/http";
import { createSignInMessageText, type SignInInput } from "@/lib/auth/siws-message";
import { buildMemoSignInTransaction } from "@/lib/auth/memo-sign-in-tx";
import { GET as challenge } from "@/app/api/auth/challenge/route";
import { POST as verify } from "@/app/api/auth/verify/route";
import { GET as me } from "@/app/api/me/route";

const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");
const text = (i: SignInInput) => createSignInMessageText({ ...i, address: i.address! });

function signAll(tx: Transaction, signers: Keypair[]): Uint8Array {
  const message = tx.serializeMessage();
  for (const s of signers) tx.addSignature(s.publicKey, Buffer.from(nacl.sign.detached(message, s.secretKey)));
  return tx.serialize({ requireAllSignatures: false, verifySignatures: false });
}

function body(kp: Keypair, tx: Uint8Array, address = kp.publicKey.toBase58()) {
  return { transaction: b64(tx), account: { address, publicKey: b64(kp.publicKey.toBytes()) } };
}

function memoBody(kp: Keypair, siws: string) {
  return body(kp, signAll(buildMemoSignInTransaction(kp.publicKey.toBase58(), siws), [kp]));
}

async function issue(address: string): Promise<SignInInput> {
  const res = await call(challenge, {
    path: `/api/auth/challenge?address=${address}`,
    headers: { "x-forwarded-for": `10.1.0.${Math.floor(Math.random() * 250)}` },
  });
  expect(res.status).toBe(200);
  return res.json.input;
}

async function refused(payload: unknown, code: string) {
  const res = await call(verify, { body: payload });
  expect(res.json.error?.code).toBe(code);
  expect(res.status).toBe(401);
}

describe.each(testDbKinds())("sign in with a memo transaction (%s)", (kind) => {
  let db: TestDb;
  beforeAll(async () => {
    overrideEnv({
      APP_URL: "http://localhost:3000",
      SOLANA_CLUSTER: "localnet",
      SIGNIN_RATE_LIMIT_PER_MINUTE: "100000",
    });
    db = await openTestDb(kind);
    await resetRuntime({ db });
  });
  afterAll(async () => {
    await resetRuntime();
    await db.close();
  });

  it("signs in once, and the same transaction is refused after", async () => {
    const kp = Keypair.generate();
    const payload = memoBody(kp, text(await issue(kp.publicKey.toBase58())));
    const res = await call(verify, { body: payload });
    expect(res.status).toBe(200);
    expect(res.json.wallet).toBe(kp.publicKey.toBase58());
    const cookie = String(res.headers.get("set-cookie")).split(";")[0]!;
    const who = await call(me, { headers: { cookie } });
    expect(who.json.wallet).toBe(kp.publicKey.toBase58());
    await refused(payload, "nonce_used");
  });

  it("refuses a memo altered after signing", async () => {
    const kp = Keypair.generate();
    const input = await issue(kp.publicKey.toBase58());
    const bytes = signAll(buildMemoSignInTransaction(kp.publicKey.toBase58(), text(input)), [kp]);
    const forged = Buffer.from(bytes);
    const at = forged.indexOf(Buffer.from("Sign in to Solrouter"));
    expect(at).toBeGreaterThan(0);
    forged.write("sign", at); // same length, so the transaction still parses
    await refused(body(kp, forged), "invalid_message");
    // A well-formed text edit re-signed by the wallet is not the issued input either.
    await refused(memoBody(kp, text({ ...input, statement: "Pay me." })), "invalid_message");
    // The untouched transaction still works: the refusals did not spend the challenge.
    expect((await call(verify, { body: body(kp, bytes) })).status).toBe(200);
  });

  it("refuses a signature that does not cover the transaction", async () => {
    const kp = Keypair.generate();
    const tx = buildMemoSignInTransaction(kp.publicKey.toBase58(), text(await issue(kp.publicKey.toBase58())));
    tx.addSignature(kp.publicKey, Buffer.from(nacl.sign.detached(new Uint8Array([1, 2, 3]), kp.secretKey)));
    await refused(body(kp, tx.serialize({ verifySignatures: false })), "invalid_signature");
  });

  it("refuses a transaction with any other instruction", async () => {
    const kp = Keypair.generate();
    const tx = buildMemoSignInTransaction(kp.publicKey.toBase58(), text(await issue(kp.publicKey.toBase58())));
    tx.add(SystemProgram.transfer({ fromPubkey: kp.publicKey, toPubkey: Keypair.generate().publicKey, lamports: 1 }));
    await refused(body(kp, signAll(tx, [kp])), "invalid_transaction");
  });

  it("refuses another signer, a second signer, and a mismatched key", async () => {
    const kp = Keypair.generate();
    const other = Keypair.generate();
    const input = await issue(kp.publicKey.toBase58());
    // Paid and signed by someone else, claimed for kp.
    const byOther = signAll(buildMemoSignInTransaction(other.publicKey.toBase58(), text(input)), [other]);
    await refused(body(kp, byOther), "invalid_transaction");
    await refused(body(other, byOther, kp.publicKey.toBase58()), "invalid_transaction");
    // The other key signs the other account's transaction, but the text names kp.
    await refused(body(other, byOther), "invalid_message");
    // A second signer.
    const two = buildMemoSignInTransaction(kp.publicKey.toBase58(), text(input));
    two.instructions[0]!.keys.push({ pubkey: other.publicKey, isSigner: true, isWritable: false });
    await refused(body(kp, signAll(two, [kp, other])), "invalid_transaction");
    // Right transaction, wrong public key for the address.
    const good = signAll(buildMemoSignInTransaction(kp.publicKey.toBase58(), text(input)), [kp]);
    const wrongKey = {
      transaction: b64(good),
      account: { address: kp.publicKey.toBase58(), publicKey: b64(other.publicKey.toBytes()) },
    };
    await refused(wrongKey, "invalid_signature");
    // The challenge is still unused after all of that.
    expect((await call(verify, { body: body(kp, good) })).status).toBe(200);
  });

  it("refuses a transaction that could land on chain (a real blockhash)", async () => {
    const kp = Keypair.generate();
    const tx = buildMemoSignInTransaction(kp.publicKey.toBase58(), text(await issue(kp.publicKey.toBase58())));
    tx.recentBlockhash = new PublicKey(nacl.randomBytes(32)).toBase58();
    await refused(body(kp, signAll(tx, [kp])), "invalid_transaction");
  });

  it("refuses another domain, an expired request, an unknown nonce and garbage", async () => {
    const kp = Keypair.generate();
    const input = await issue(kp.publicKey.toBase58());
    await refused(memoBody(kp, text({ ...input, domain: "evil.example" })), "domain_mismatch");
    await refused(memoBody(kp, text({ ...input, nonce: "B".repeat(24) })), "nonce_unknown");
    const past = new Date(Date.now() - 60_000).toISOString();
    await db.query(
      "UPDATE signin_challenges SET expires_at = $2::timestamptz, input = jsonb_set(input, '{expirationTime}', to_jsonb($3::text)) WHERE nonce = $1",
      [input.nonce, past, past],
    );
    await refused(memoBody(kp, text({ ...input, expirationTime: past })), "message_expired");
    await refused(body(kp, new Uint8Array([1, 2, 3])), "invalid_transaction");
    await refused(body(kp, nacl.randomBytes(300)), "invalid_transaction");
  });
});
