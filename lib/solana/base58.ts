import { z } from "zod";

// The one spelling of the base58 alphabet checks (Bitcoin alphabet: no 0, O, I or l). Pure, so
// the environment, the routes, scripts and the browser share it.

/** A Solana address or mint: a base58-encoded 32-byte public key (32 to 44 characters). */
export const BASE58_ADDRESS = /^[1-9A-HJ-NP-Za-km-z]{32,44}$/;
/** A base58 transaction signature: 64 bytes are 64 to 88 characters. */
export const BASE58_SIGNATURE = /^[1-9A-HJ-NP-Za-km-z]{64,88}$/;

export const isBase58Address = (s: string): boolean => BASE58_ADDRESS.test(s);

/** A Solana address field, with the message every route and the environment use. */
export const base58Address = () =>
  z.string().regex(BASE58_ADDRESS, "must be a base58 Solana address").describe("A base58 Solana address");
