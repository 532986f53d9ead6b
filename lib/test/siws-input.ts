import nacl from "tweetnacl";
import bs58 from "bs58";
import { createSignInMessageText, type SignInInput } from "@/lib/auth/siws-message";

/** A sign-in input as the server issues it (devnet, June 2025), for message and signature tests. */
export function issuedInput(overrides: Partial<SignInInput> = {}): SignInInput {
  return {
    domain: "app.solrouter.test",
    statement: "Sign in to Solrouter to manage your API keys.",
    uri: "https://app.solrouter.test",
    version: "1",
    chainId: "devnet",
    nonce: "n0nce1234abcd",
    issuedAt: "2025-06-01T11:59:00.000Z",
    expirationTime: "2025-06-01T12:09:00.000Z",
    ...overrides,
  };
}

/** An ed25519 keypair as tweetnacl gives it (a web3.js Keypair: `{ publicKey: kp.publicKey.toBytes(), secretKey }`). */
export type SigningKeys = { publicKey: Uint8Array; secretKey: Uint8Array };

const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");

/** The body of POST /api/auth/verify: the server's challenge `input`, signed by `kp` as a wallet's signMessage does. */
export function signedVerifyBody(input: SignInInput, kp: SigningKeys) {
  const address = bs58.encode(kp.publicKey);
  const msg = new TextEncoder().encode(createSignInMessageText({ ...input, address }));
  return {
    output: {
      account: { address, publicKey: b64(kp.publicKey) },
      signedMessage: b64(msg),
      signature: b64(nacl.sign.detached(msg, kp.secretKey)),
    },
  };
}
