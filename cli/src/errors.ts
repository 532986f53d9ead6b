// Every failure the CLI reports is one line, `<code>: <message>`, on stderr, then exit 1. Codes
// from the server are the contract's; the CLI's own (bad arguments, keypair, session) are below.
import { SolRouterError } from "@solrouter/sdk";

export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The one line printed for any thrown value. */
export function errorLine(err: unknown): string {
  if (err instanceof CliError || err instanceof SolRouterError) return `${err.code}: ${oneLine(err.message)}`;
  return `error: ${oneLine(err instanceof Error ? err.message : String(err))}`;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}
