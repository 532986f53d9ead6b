import "server-only";
import { ZodError } from "zod";
import { ERROR_STATUS, INTERNAL_ERROR_MESSAGE, isAppError, type ErrorCode } from "@/lib/errors";
import type { Logger } from "pino";
import { isDbUnavailable } from "@/lib/db/errors";

export function jsonError(
  code: ErrorCode,
  message: string,
  init: { headers?: Record<string, string>; body?: Record<string, unknown> } = {},
): Response {
  return Response.json(
    { error: { code, message, ...init.body } },
    { status: ERROR_STATUS[code], headers: init.headers },
  );
}

/** The one place any thrown value becomes the contract's JSON. Unknown errors are logged, never shown. */
export function errorToResponse(err: unknown, log: Logger): Response {
  if (isAppError(err)) {
    const headers: Record<string, string> = { ...err.extra.headers };
    if (err.extra.retryAfterSeconds !== undefined)
      headers["Retry-After"] = String(Math.max(1, Math.ceil(err.extra.retryAfterSeconds)));
    return jsonError(err.code, err.message, { headers, body: err.extra.body });
  }
  if (err instanceof ZodError) return jsonError("invalid_request", describeZod(err));
  if (isDbUnavailable(err)) {
    log.warn({ err }, "database unavailable");
    return jsonError("unavailable", "The service is briefly unavailable. Please retry in a moment.", {
      headers: { "Retry-After": "1" },
    });
  }
  log.error({ err }, "unhandled error");
  return jsonError("internal_error", INTERNAL_ERROR_MESSAGE);
}

export function describeZod(err: ZodError): string {
  const first = err.issues[0];
  if (!first) return "The request is invalid.";
  const where = first.path.length ? `${first.path.join(".")}: ` : "";
  return `${where}${first.message}`;
}
