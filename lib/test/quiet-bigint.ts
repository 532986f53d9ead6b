// Vitest setup. Only tests load @solana/spl-token, whose bigint-buffer warns once per process
// that its native part is missing: it is never built here (its install script is denied in
// package.json's allowScripts) and its pure-JS code is what we want. Load it first with that one
// line muted, so a passing run does not print it; any other warning still shows.
import { createRequire } from "node:module";

const warn = console.warn;
console.warn = (...args: unknown[]) => {
  if (typeof args[0] === "string" && args[0].startsWith("bigint: Failed to load bindings")) return;
  warn(...args);
};
try {
  createRequire(import.meta.url)("bigint-buffer");
} finally {
  console.warn = warn;
}
