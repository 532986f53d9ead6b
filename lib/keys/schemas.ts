import { z } from "zod";
import { KEY_NAME_MAX, MAX_SPEND_CAP_MICRO } from "./limits";

// Request bodies of the key routes. Shapes only: lib/keys/store.ts checks meaning (trimmed
// name length, expiry in the future) so that every caller gets the same rules.
const spendCap = z
  .int("must be a whole number of micro-USD")
  .min(1, "must be positive")
  .max(Number(MAX_SPEND_CAP_MICRO), "must be at most 1000000000000000 ($1,000,000,000)")
  .transform((v) => BigInt(v))
  .nullable();

export const CreateKeyBody = z.object({
  name: z.string().max(KEY_NAME_MAX * 4),
  expiresAt: z.iso
    .datetime({ offset: true, message: "must be an ISO 8601 date-time, e.g. 2030-01-31T23:59:59Z" })
    .transform((s) => new Date(s))
    .nullable()
    .optional(),
  spendCapMicro: spendCap.optional(),
});

export const UpdateKeyBody = z.object({
  name: z.string().max(KEY_NAME_MAX * 4).optional(),
  spendCapMicro: spendCap.optional(),
});

export const RollKeyBody = z.object({
  graceSeconds: z.union([z.literal(0), z.literal(3600), z.literal(86400)], { message: "must be 0, 3600 or 86400" }),
});
