import "server-only";
import type { RequestOrigin } from "@/lib/activity/events";
import type { KeyActor } from "@/lib/keys/management";
import { requestAddress } from "./rate-limit";

/**
 * The client's address and user agent, and the management key that acted (if one did), for the
 * activity log (domain code never sees the Request).
 */
export function requestOrigin(req: Request, actor?: KeyActor): Required<RequestOrigin> {
  return {
    ip: requestAddress(req) ?? null,
    userAgent: req.headers.get("user-agent")?.slice(0, 300) ?? null,
    byKeyId: actor?.kind === "key" ? actor.key.keyId : null,
  };
}
