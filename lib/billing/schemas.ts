import { z } from "zod";
import bs58 from "bs58";
import { BASE58_SIGNATURE } from "@/lib/solana/base58";
import { isoString, microUsd } from "@/lib/wire";
import { formatUsd } from "@/lib/format";
import { MAX_TOPUP_MICRO, MIN_TOPUP_MICRO } from "./limits";

// Requests and responses of /api/me and /api/topups* (see lib/keys/schemas.ts for how they are
// used on both sides). Amount bounds come from lib/billing/limits.ts, the one place they live.

export const TopupTokenSchema = z.enum(["USDC", "ROUTER"], { message: 'must be "USDC" or "ROUTER"' });

export const CreateTopupBody = z
  .object({
    token: TopupTokenSchema.describe("The token to pay with"),
    creditMicro: z
      .number({ message: "must be a number of micro-USD" })
      .int("must be a whole number of micro-USD")
      .min(Number(MIN_TOPUP_MICRO), `a top-up is at least ${formatUsd(MIN_TOPUP_MICRO)} (${MIN_TOPUP_MICRO})`)
      .max(Number(MAX_TOPUP_MICRO), `a top-up is at most ${formatUsd(MAX_TOPUP_MICRO)} (${MAX_TOPUP_MICRO})`)
      .describe("The balance to add, in integer micro-USD"),
  })
  .describe("Body of POST /api/topups");

export const ListTopupsQuery = z
  .object({ limit: z.coerce.number().int().min(1).max(200).default(50).describe("How many, newest first") })
  .describe("Query of GET /api/topups");

function isSignature(s: string): boolean {
  return BASE58_SIGNATURE.test(s) && bs58.decode(s).length === 64;
}

/** The {id} of /api/topups/{id}/confirm: an id that cannot exist is as unknown as another account's. */
export const TopupIdParam = z.uuid().describe("The top-up intent's id");

export const ConfirmTopupBody = z
  .object({
    signature: z
      .string({ message: "is required" })
      .refine(isSignature, "must be a base58 transaction signature")
      .describe("The signature of the transfer that paid the intent"),
  })
  .describe("Body of POST /api/topups/{id}/confirm");

export const TopupSchema = z
  .object({
    id: z.uuid(),
    token: TopupTokenSchema,
    mint: z.string().describe("The token's mint (base58)"),
    decimals: z.int().describe("The mint's decimals"),
    amount: z.string().describe("What to send, in token base units"),
    creditMicro: microUsd("What the balance grows by once paid"),
    priceUsd: z.string().describe("The token's USD price locked for this intent (decimal)"),
    payTo: z.string().nullable().describe("The treasury owner"),
    payToTokenAccount: z.string().nullable().describe("The treasury's token account for this mint"),
    tokenProgram: z.string().nullable().describe("The mint's token program (Token or Token-2022)"),
    reference: z.string().describe("A base58 public key that marks the payment (Solana Pay reference)"),
    memo: z.string().describe("The memo the transfer carries"),
    expiresAt: isoString.describe("When the amount (and price) stops holding"),
    solanaPayUrl: z.string().nullable().describe("A solana: URL for phone wallets"),
    status: z.enum(["pending", "credited", "expired"]),
    signature: z.string().nullable().describe("The paying transaction, once known"),
    explorerUrl: z.string().nullable().describe("The paying transaction in an explorer"),
    failureReason: z.string().nullable().describe("Why the last confirmation was refused"),
    createdAt: isoString,
    creditedAt: isoString.nullable(),
  })
  .describe("A top-up intent");

export const TopupResponse = z.object({ topup: TopupSchema }).describe("POST /api/topups, or confirm while pending");

export const TopupListResponse = z
  .object({ topups: z.array(TopupSchema).describe("Newest first") })
  .describe("GET /api/topups");

export const ConfirmedTopupResponse = z
  .object({ topup: TopupSchema, balanceMicro: microUsd("The balance after the credit") })
  .describe("POST /api/topups/{id}/confirm once credited");

export const MeResponse = z
  .object({
    wallet: z.string().describe("The signed-in wallet's base58 address"),
    balanceMicro: microUsd("The prepaid balance"),
    lowBalanceThresholdMicro: microUsd("The dashboard warns below this balance; 0: never"),
  })
  .describe("GET /api/me");
