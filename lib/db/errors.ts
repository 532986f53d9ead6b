// Failures that mean "the database cannot answer right now" (restarting, unreachable, a
// statement cancelled by its timeout, a conflict worth retrying) rather than a bug: callers get
// 503 `unavailable` and retry, instead of a 500.

// SQLSTATE classes and codes: 08 connection exception, 57P0x shutdown/cannot connect now,
// 57014 statement timeout, 40001 serialization failure, 40P01 deadlock, 53300 too many connections.
const RETRYABLE_SQLSTATE = /^(08...|57P0[1-4]|57014|40001|40P01|53300)$/;
const NODE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENOTCONN"]);
// node-postgres raises these without a code.
const DRIVER_MESSAGES =
  /^(Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|Client was closed)/;

export function isDbUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string" && (RETRYABLE_SQLSTATE.test(code) || NODE_CODES.has(code))) return true;
  if (err instanceof AggregateError) return err.errors.some(isDbUnavailable);
  return DRIVER_MESSAGES.test(err.message);
}
