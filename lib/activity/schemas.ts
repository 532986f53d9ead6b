import { z } from "zod";
import { wireDate } from "@/lib/wire";

// Requests and responses of /api/activity and /api/sessions* (see lib/keys/schemas.ts for how
// they are used on both sides).

export const ActivityQuery = z
  .object({
    cursor: z
      .string()
      .regex(/^[0-9]{1,18}$/, "must be a cursor from a previous page")
      .optional()
      .describe("nextCursor of the previous page"),
    limit: z.coerce.number().int().min(1).max(100).default(50).describe("Events per page (1–100)"),
  })
  .describe("Query of GET /api/activity");

export const ActivityKindSchema = z
  .enum([
    "signed_in",
    "signed_out",
    "session_ended",
    "other_sessions_ended",
    "key_created",
    "key_rolled",
    "key_revoked",
    "key_edited",
    "topup_credited",
  ])
  .describe("What happened");

export const ActivityEventSchema = z
  .object({
    id: z.string().describe("The event's id; also the cursor after it"),
    kind: ActivityKindSchema,
    at: wireDate.describe("When it happened"),
    ip: z.string().nullable().describe("The client address it came from; null for jobs"),
    userAgent: z.string().nullable().describe("The browser or client it came from, clipped"),
    details: z.record(z.string(), z.unknown()).describe("Kind-specific details, e.g. the key's id and name"),
  })
  .describe("One security-relevant event on the account");

export const ActivityPageResponse = z
  .object({
    events: z.array(ActivityEventSchema).describe("Newest first"),
    nextCursor: z.string().nullable().describe("Pass as cursor for the next page; null on the last page"),
  })
  .describe("GET /api/activity");

export const SessionSchema = z
  .object({
    id: z.string().describe("The session's id"),
    current: z.boolean().describe("Whether it is the session making this request"),
    createdAt: wireDate.describe("When it signed in"),
    lastSeenAt: wireDate.describe("Its last request"),
    ip: z.string().nullable().describe("The client address it signed in from"),
    userAgent: z.string().nullable().describe("The browser it signed in with, clipped"),
  })
  .describe("A signed-in browser session");

export const SessionListResponse = z.object({ sessions: z.array(SessionSchema) }).describe("GET /api/sessions");

export const RevokeOthersResponse = z
  .object({ ended: z.int().min(0).describe("How many other sessions were ended") })
  .describe("POST /api/sessions/revoke-others");
