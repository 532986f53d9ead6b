#!/usr/bin/env node
// solrouter: the Solrouter account from the terminal. Arguments are parsed with node:util
// parseArgs (no dependencies): once leniently to find the command, then strictly with that
// command's options, so a misspelt flag is an error rather than silently ignored.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { balance, usage } from "./commands/account.js";
import { login, logout } from "./commands/auth.js";
import { keysCreate, keysList, keysRevoke, keysRoll } from "./commands/keys.js";
import { topup } from "./commands/topup.js";
import type { Ctx } from "./context.js";
import { CliError, errorLine } from "./errors.js";
import { createApi, resolveOrigin } from "./http.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

const GLOBAL: Options = {
  url: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
};

interface Command {
  run(ctx: Ctx): Promise<void>;
  options: Options;
  session: boolean;
  usage: string;
}

const COMMANDS: Record<string, Command> = {
  login: { run: login, options: { keypair: { type: "string" } }, session: false, usage: "login [--keypair <path>]" },
  logout: { run: logout, options: {}, session: false, usage: "logout" },
  balance: { run: balance, options: {}, session: true, usage: "balance" },
  "keys create": {
    run: keysCreate,
    options: {
      name: { type: "string" },
      "cap-usd": { type: "string" },
      "cap-period": { type: "string" },
      models: { type: "string" },
      manage: { type: "boolean" },
      expires: { type: "string" },
      "env-file": { type: "string" },
    },
    session: true,
    usage:
      "keys create --name <n> [--cap-usd <x>] [--cap-period day|week|month] [--models a,b] [--manage] [--expires <ISO date>] [--env-file <path>]",
  },
  "keys list": { run: keysList, options: {}, session: true, usage: "keys list" },
  "keys revoke": { run: keysRevoke, options: {}, session: true, usage: "keys revoke <id>" },
  "keys roll": {
    run: keysRoll,
    options: { grace: { type: "string" }, "env-file": { type: "string" } },
    session: true,
    usage: "keys roll <id> [--grace 0|1h|24h] [--env-file <path>]",
  },
  topup: {
    run: topup,
    options: { token: { type: "string" }, keypair: { type: "string" }, rpc: { type: "string" } },
    session: true,
    usage: "topup <usd> [--token usdc|router] [--keypair <path>] [--rpc <url>]",
  },
  usage: {
    run: usage,
    options: { since: { type: "string" }, csv: { type: "boolean" } },
    session: true,
    usage: "usage [--since 24h|7d|30d] [--csv]",
  },
};

const ALL_OPTIONS: Options = Object.assign({}, GLOBAL, ...Object.values(COMMANDS).map((c) => c.options));

function help(): string {
  return [
    "Usage: solrouter <command> [options]",
    "",
    ...Object.values(COMMANDS).map((c) => `  solrouter ${c.usage}`),
    "",
    "Every command: --url <base> (or SOLROUTER_URL; default https://solrouter.com) and --json.",
    "Session: ~/.config/solrouter/session.json (0600), one per server; without one, SOLROUTER_API_KEY",
    "(a management key) is sent as Authorization: Bearer for keys, topup, balance and usage.",
  ].join("\n");
}

function findCommand(positionals: string[]): { name: string; rest: string[] } {
  const [first, second] = positionals;
  if (first === "keys") {
    const name = `keys ${second ?? ""}`;
    if (!COMMANDS[name]) throw new CliError("invalid_arguments", "keys needs one of: create, list, revoke, roll.");
    return { name, rest: positionals.slice(2) };
  }
  if (!first || !COMMANDS[first])
    throw new CliError(
      "invalid_arguments",
      first ? `Unknown command "${first}". Run solrouter --help.` : "No command given. Run solrouter --help.",
    );
  return { name: first, rest: positionals.slice(1) };
}

export async function main(argv: string[]): Promise<number> {
  let json = argv.includes("--json");
  try {
    const loose = parseArgs({ args: argv, options: ALL_OPTIONS, allowPositionals: true, strict: false });
    if (loose.values.help || argv.length === 0) {
      process.stdout.write(help() + "\n");
      return 0;
    }
    const { name } = findCommand(loose.positionals);
    const cmd = COMMANDS[name]!;
    let parsed;
    try {
      parsed = parseArgs({ args: argv, options: { ...GLOBAL, ...cmd.options }, allowPositionals: true, strict: true });
    } catch (err) {
      throw new CliError(
        "invalid_arguments",
        `${(err as Error).message.split(". ")[0]!.replace(/\.$/, "")}. Usage: solrouter ${cmd.usage}`,
      );
    }
    json = parsed.values.json === true;
    const api = createApi(resolveOrigin(parsed.values.url as string | undefined), {
      needSession: cmd.session,
      apiKey: process.env.SOLROUTER_API_KEY,
    });
    const ctx: Ctx = {
      api,
      json,
      options: parsed.values as Ctx["options"],
      positionals: findCommand(parsed.positionals).rest,
      print: (data, human) => process.stdout.write((json ? JSON.stringify(data) : human) + "\n"),
      progress: (line) => {
        if (!json) process.stderr.write(line + "\n");
      },
    };
    await cmd.run(ctx);
    return 0;
  } catch (err) {
    process.stderr.write(errorLine(err) + "\n");
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
