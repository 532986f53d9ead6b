import { z } from "zod";
import { base58Address } from "@/lib/solana/base58";

// Requests and responses of /api/auth/* (see lib/keys/schemas.ts for how they are used on both
// sides). The signed fields are checked by lib/auth/sign-in.ts; these are shapes only.

export const ChallengeQuery = z
  .object({ address: base58Address().optional().describe("The wallet that will sign, when already known") })
  .describe("Query of GET /api/auth/challenge");

export const SignInInputSchema = z
  .object({
    domain: z.string().describe("The host users see (from APP_URL)"),
    address: z.string().optional().describe("The signing wallet, when the challenge named one"),
    statement: z.string(),
    uri: z.string().describe("The origin users see"),
    version: z.literal("1"),
    chainId: z.string().describe("The Solana cluster, as SIWS names it"),
    nonce: z.string().describe("Single use, at least 16 alphanumerics"),
    issuedAt: z.string().describe("ISO 8601 date-time"),
    expirationTime: z.string().describe("ISO 8601 date-time, at most 10 minutes after issuedAt"),
    notBefore: z.string().optional(),
    requestId: z.string().optional(),
    resources: z.array(z.string()).readonly().optional(),
  })
  .describe("A Sign-In-With-Solana input built by the server");

export const ChallengeResponse = z.object({ input: SignInInputSchema }).describe("GET /api/auth/challenge");

/** Base64 bytes, at most `max` characters; decoded for the server. */
const b64 = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, "must be base64")
    .transform((s) => new Uint8Array(Buffer.from(s, "base64")));

const SigningAccount = z.object({ address: base58Address(), publicKey: b64(64).describe("32 bytes, base64") });

export const VerifyBody = z
  .union([
    z.object({
      output: z.object({
        account: SigningAccount,
        signedMessage: b64(8192).describe("The SIWS message text the wallet signed, base64"),
        signature: b64(128).describe("The Ed25519 signature, base64"),
      }),
    }),
    z
      .object({
        transaction: b64(2048).describe("A signed memo-only transaction carrying the SIWS text, base64"),
        account: SigningAccount,
      })
      .describe("For wallets without signMessage (Ledger): verified, never submitted"),
  ])
  .describe("Body of POST /api/auth/verify: a signed message, or a signed memo-only transaction");

export const VerifyResponse = z
  .object({ wallet: z.string().describe("The signed-in wallet's base58 address") })
  .describe("POST /api/auth/verify");
