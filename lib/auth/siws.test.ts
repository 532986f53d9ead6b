import { generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import bs58 from "bs58";
import { describe, expect, it } from "vitest";
import { createSignInMessageText, type SignInInput } from "@/lib/auth/siws-message";
import { extractNonce, verifySignInOutput, type VerifySignInOutputArgs } from "@/lib/auth/siws-verify";
import { issuedInput } from "@/lib/test/siws-input";

type Signer = { privateKey: KeyObject; publicKey: Uint8Array; address: string };

function newSigner(): Signer {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const raw = new Uint8Array(publicKey.export({ format: "der", type: "spki" }).subarray(12));
  return { privateKey, publicKey: raw, address: bs58.encode(raw) };
}

const alice = newSigner();
const mallory = newSigner();
const enc = (s: string) => new TextEncoder().encode(s);
const signBytes = (s: Signer, bytes: Uint8Array) => new Uint8Array(sign(null, bytes, s.privateKey));

const NOW = new Date("2025-06-01T12:00:00.000Z");

const issued = issuedInput;

/** Wallet side: sign arbitrary text (or bytes) with `signer`, presenting `presented` as the key. */
function output(
  input: SignInInput,
  text: string | Uint8Array,
  signer: Signer = alice,
  presented: Signer = signer,
): VerifySignInOutputArgs {
  const signedMessage = typeof text === "string" ? enc(text) : text;
  return {
    issued: input,
    signedMessage,
    signature: signBytes(signer, signedMessage),
    publicKey: presented.publicKey,
    accountAddress: presented.address,
    now: NOW,
  };
}

const canonical = (input: SignInInput, address = alice.address) => createSignInMessageText({ ...input, address });

describe("verifySignInOutput", () => {
  it("accepts a correctly signed message", () => {
    const input = issued({ address: alice.address });
    expect(verifySignInOutput(output(input, canonical(input)))).toEqual({ ok: true, address: alice.address });
  });

  it("accepts an address the wallet filled in when none was issued", () => {
    const input = issued();
    expect(verifySignInOutput(output(input, canonical(input)))).toEqual({ ok: true, address: alice.address });
  });

  it("accepts the solana:-prefixed form of the issued chain id", () => {
    const input = issued();
    const text = canonical(input).replace("Chain ID: devnet", "Chain ID: solana:devnet");
    expect(verifySignInOutput(output(input, text))).toEqual({ ok: true, address: alice.address });
    const other = canonical(input).replace("Chain ID: devnet", "Chain ID: solana:mainnet");
    expect(verifySignInOutput(output(input, other))).toEqual({ ok: false, code: "invalid_message" });
  });

  // Tampered texts are re-signed by the right key, so only the check under test can refuse them.
  it("refuses a tampered statement", () => {
    const input = issued();
    const text = canonical(input).replace("manage your API keys", "transfer all funds");
    expect(verifySignInOutput(output(input, text))).toEqual({ ok: false, code: "invalid_message" });
  });

  it("refuses another domain", () => {
    const input = issued();
    const text = canonical({ ...input, domain: "evil.example" });
    expect(verifySignInOutput(output(input, text))).toEqual({ ok: false, code: "domain_mismatch" });
  });

  it("refuses an expired message, one issued in the future, and one not yet valid", () => {
    const input = issued();
    const args = output(input, canonical(input));
    expect(verifySignInOutput({ ...args, now: new Date("2025-06-01T12:09:00.000Z") }).ok).toBe(true);
    const expired = { ok: false, code: "message_expired" };
    expect(verifySignInOutput({ ...args, now: new Date("2025-06-01T12:09:00.001Z") })).toEqual(expired);
    // issuedAt 11:59:00 with 60 s skew: valid from 11:58:00.
    expect(verifySignInOutput({ ...args, now: new Date("2025-06-01T11:58:00.000Z") }).ok).toBe(true);
    expect(verifySignInOutput({ ...args, now: new Date("2025-06-01T11:57:59.999Z") })).toEqual(expired);

    const nb = issued({ notBefore: "2025-06-01T12:05:00.000Z" });
    const nbArgs = output(nb, canonical(nb));
    expect(verifySignInOutput({ ...nbArgs, now: new Date("2025-06-01T12:05:00.000Z") }).ok).toBe(true);
    expect(verifySignInOutput(nbArgs)).toEqual(expired);
  });

  it("refuses a signature made by another key", () => {
    const input = issued();
    const args = output(input, canonical(input), mallory, alice);
    expect(verifySignInOutput(args)).toEqual({ ok: false, code: "invalid_signature" });
  });

  it("refuses a public key that is not the message address", () => {
    // Mallory signs a message naming Alice's address and presents her own (matching) key;
    // the signature itself is valid, so only the key/address binding can catch this.
    const input = issued();
    const args = { ...output(input, canonical(input, alice.address), mallory), accountAddress: alice.address };
    expect(verifySignInOutput(args)).toEqual({ ok: false, code: "invalid_signature" });
  });

  it("refuses a prefixed message", () => {
    const input = issued();
    expect(verifySignInOutput(output(input, "x" + canonical(input)))).toEqual({ ok: false, code: "domain_mismatch" });
    expect(verifySignInOutput(output(input, "Sign this:\n" + canonical(input)))).toEqual({
      ok: false,
      code: "invalid_message",
    });
  });

  it("refuses appended text", () => {
    const input = issued();
    for (const suffix of ["\n", "\nResources:\n- https://evil.example", " "]) {
      const res = verifySignInOutput(output(input, canonical(input) + suffix));
      expect(res).toEqual({ ok: false, code: "invalid_message" });
    }
  });

  it("refuses swapped field order", () => {
    const input = issued();
    const text = canonical(input).replace(
      "Chain ID: devnet\nNonce: n0nce1234abcd",
      "Nonce: n0nce1234abcd\nChain ID: devnet",
    );
    expect(text).not.toBe(canonical(input));
    expect(verifySignInOutput(output(input, text))).toEqual({ ok: false, code: "invalid_message" });
  });

  it("refuses bytes that are not UTF-8", () => {
    const input = issued();
    const text = canonical(input);
    const bytes = enc(text);
    bytes[text.indexOf("Sign in to")] = 0xff; // ASCII text, so char index == byte index
    expect(verifySignInOutput(output(input, bytes))).toEqual({ ok: false, code: "invalid_message" });
  });

  it("refuses bytes that only decode to the issued text lossily, or carry a BOM", () => {
    // A lenient decoder maps 0xFF to U+FFFD, so these bytes would "match" an issued statement
    // containing U+FFFD while the signature covers different bytes.
    const input = issued({ statement: "Sign in \uFFFD" });
    const text = canonical(input);
    const i = text.indexOf("\uFFFD");
    const utf8 = enc(text);
    const lossy = new Uint8Array([...utf8.subarray(0, i), 0xff, ...utf8.subarray(i + 3)]);
    expect(verifySignInOutput(output(input, utf8)).ok).toBe(true);
    expect(verifySignInOutput(output(input, lossy))).toEqual({ ok: false, code: "invalid_message" });
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8]);
    expect(verifySignInOutput(output(input, bom))).toEqual({ ok: false, code: "invalid_message" });
  });

  it("refuses an address other than the issued one or the account's", () => {
    const toAlice = issued({ address: alice.address });
    const asMallory = output(toAlice, canonical(toAlice, mallory.address), mallory);
    expect(verifySignInOutput(asMallory)).toEqual({ ok: false, code: "invalid_message" });

    const input = issued();
    const wrongAccount = { ...output(input, canonical(input)), accountAddress: mallory.address };
    expect(verifySignInOutput(wrongAccount)).toEqual({ ok: false, code: "invalid_message" });
  });
});

describe("extractNonce", () => {
  it("returns the nonce of a strictly valid message only", () => {
    const text = canonical(issued());
    expect(extractNonce(text)).toBe("n0nce1234abcd");
    expect(extractNonce(text + "\n")).toBeNull();
    expect(extractNonce("Nonce: n0nce1234abcd")).toBeNull();
    expect(extractNonce(createSignInMessageText({ domain: "a.b", address: alice.address }))).toBeNull();
  });
});
