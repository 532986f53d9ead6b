import "server-only";
import type { RequestOrigin } from "@/lib/activity/events";
import { requestAddress } from "./rate-limit";

/** The client's address and user agent, for the activity log (domain code never sees the Request). */
export function requestOrigin(req: Request): Required<RequestOrigin> {
  return { ip: requestAddress(req) ?? null, userAgent: req.headers.get("user-agent")?.slice(0, 300) ?? null };
}
