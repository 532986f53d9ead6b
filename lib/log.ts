import "server-only";
import pino from "pino";
import { env } from "@/lib/env";
import { ensurePart } from "@/lib/runtime";

// Secrets (cookies, Authorization, API keys, payment headers) are never written: redact them
// wherever they might be attached to a log object.
const REDACT = [
  "req.headers.cookie",
  "req.headers.authorization",
  'req.headers["payment-signature"]',
  "headers.cookie",
  "headers.authorization",
  "*.secret",
  "*.token",
  "*.apiKey",
  "secret",
  "token",
  "apiKey",
];

export function logger(): pino.Logger {
  return ensurePart("log", () =>
    pino({
      level: env().LOG_LEVEL,
      base: { service: "solrouter" },
      redact: { paths: REDACT, censor: "[redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
    }),
  );
}
