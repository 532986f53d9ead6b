import type { Api } from "./http.js";

/** What every command gets: the server, output mode, and its own parsed options. */
export interface Ctx {
  api: Api;
  json: boolean;
  options: Record<string, string | boolean | undefined>;
  positionals: string[];
  /** One JSON document on stdout with --json, the human text otherwise. */
  print(data: unknown, human: string): void;
  /** Progress for people, on stderr; silent with --json. */
  progress(line: string): void;
}

export function str(ctx: Ctx, name: string): string | undefined {
  const v = ctx.options[name];
  return typeof v === "string" ? v : undefined;
}
