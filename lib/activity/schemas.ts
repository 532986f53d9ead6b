import { z } from "zod";

export const ActivityQuery = z.object({
  cursor: z.string().regex(/^[0-9]{1,18}$/, "must be a cursor from a previous page").optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
