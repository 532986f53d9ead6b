import { z } from "zod";
import { ensurePart, setPart } from "@/lib/runtime";
import { BASE58_ADDRESS } from "@/lib/solana/base58";

// The only module that reads process.env. Everything is validated once, with one clear line
// per bad or missing variable, and defaults that make `npm run dev` work with nothing set.

const optionalUrl = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : undefined))
  .pipe(z.url({ message: "must be a URL" }).optional());

const base58Key = z
  .string()
  .trim()
  .regex(BASE58_ADDRESS, "must be a base58 Solana address")
  .optional()
  .or(z.literal("").transform(() => undefined));

const positiveInt = (fallback: number) =>
  z.coerce
    .number({ message: "must be a number" })
    .int("must be a whole number")
    .positive("must be positive")
    .default(fallback);

const port = (fallback: number) =>
  z.coerce
    .number({ message: "must be a port number" })
    .int("must be a port number")
    .min(1, "must be a port number (1-65535)")
    .max(65535, "must be a port number (1-65535)")
    .default(fallback);

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: port(3000),
  APP_URL: optionalUrl,
  DATABASE_URL: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : undefined))
    .refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), "must start with postgres:// or postgresql://"),
  DATA_DIR: z.string().trim().min(1).default(".data"),
  SOLANA_CLUSTER: z
    .enum(["localnet", "devnet", "mainnet-beta"], {
      message: "must be one of localnet, devnet, mainnet-beta",
    })
    .default("localnet"),
  SOLANA_RPC_URL: optionalUrl,
  PUBLIC_SOLANA_RPC_URL: optionalUrl,
  SOLANA_COMMITMENT: z.enum(["confirmed", "finalized"]).default("confirmed"),
  LOCALNET_PORT: port(8899),
  MODEL_PORT: port(11435),
  USDC_MINT: base58Key,
  ROUTER_MINT: base58Key,
  ROUTER_PRICE_USD: z.coerce
    .number({ message: "must be a number" })
    .positive("must be a positive price")
    .max(1_000_000, "is implausibly high")
    .default(0.05),
  TREASURY_ADDRESS: base58Key,
  UPSTREAM_URL: optionalUrl,
  UPSTREAM_TIMEOUT_MS: positiveInt(60_000),
  // A streamed answer's status and headers wait this long for the first token (so an early
  // failure is still a proper 502); then `: keep-alive` comments go out this often until it comes.
  STREAM_KEEPALIVE_MS: positiveInt(10_000),
  X402_FACILITATOR: z
    .string()
    .trim()
    .default("local")
    .refine((v) => v === "cdp" || v === "local" || /^https?:\/\//.test(v), "must be cdp, local or a URL"),
  X402_FEE_PAYER_SECRET: z.string().trim().optional(),
  CDP_API_KEY_ID: z.string().trim().optional(),
  CDP_API_KEY_SECRET: z.string().trim().optional(),
  INTERNAL_JWT_PUBLIC_KEYS: z
    .string()
    .trim()
    .optional()
    .refine((v) => {
      if (!v) return true;
      try {
        const doc = JSON.parse(v) as { keys?: unknown };
        return Array.isArray(doc.keys);
      } catch {
        return false;
      }
    }, 'must be a JWKS JSON document like {"keys":[...]}'),
  KEY_RATE_LIMIT_PER_MINUTE: positiveInt(600),
  KEY_RATE_LIMIT_BURST: positiveInt(60),
  SIGNIN_RATE_LIMIT_PER_MINUTE: positiveInt(30),
  SIGNIN_MAX_OPEN_CHALLENGES: positiveInt(20_000),
  SIGNIN_MAX_OPEN_CHALLENGES_PER_ADDRESS: positiveInt(100),
  // How many reverse proxies in front of the server append to X-Forwarded-For (0: none, the
  // client connects to us directly and only the socket's address is believed).
  TRUSTED_PROXIES: z.coerce
    .number({ message: "must be a number" })
    .int("must be a whole number")
    .min(0, "must be 0 or more")
    .max(10, "is implausibly many")
    .default(0),
  // How often an instance renews its hold rows, and how old they must be before another
  // instance's sweeper releases them. The chaos suite shortens both to see pauses in seconds.
  HOLD_HEARTBEAT_MS: positiveInt(10_000),
  HOLD_STALE_MS: positiveInt(60_000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type Env = z.infer<typeof schema> & { APP_URL: string; appOrigin: string; rpcUrl: string; publicRpcUrl: string };

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "EnvError";
  }
}

const DEFAULT_RPC: Record<Env["SOLANA_CLUSTER"], string> = {
  "mainnet-beta": "https://api.mainnet-beta.solana.com",
  devnet: "https://api.devnet.solana.com",
  localnet: "",
};

/** Rules across variables, read from the raw values so they are reported along with any invalid ones. */
function crossProblems(source: Record<string, string | undefined>): string[] {
  const raw = (k: string) => source[k]?.trim() || undefined;
  const problems: string[] = [];
  if (raw("NODE_ENV") === "production" && !raw("APP_URL"))
    problems.push("APP_URL: is required in production (the sign-in domain comes from it)");
  const cluster = raw("SOLANA_CLUSTER") ?? "localnet";
  if (cluster === "devnet" || cluster === "mainnet-beta") {
    for (const k of ["USDC_MINT", "TREASURY_ADDRESS"])
      if (!raw(k)) problems.push(`${k}: is required when SOLANA_CLUSTER is ${cluster}`);
  }
  if (raw("X402_FACILITATOR") === "cdp" && (!raw("CDP_API_KEY_ID") || !raw("CDP_API_KEY_SECRET"))) {
    problems.push("CDP_API_KEY_ID/CDP_API_KEY_SECRET: are required when X402_FACILITATOR=cdp");
  }
  const heartbeat = Number(raw("HOLD_HEARTBEAT_MS") ?? 10_000);
  const stale = Number(raw("HOLD_STALE_MS") ?? 60_000);
  if (heartbeat > 0 && stale > 0 && stale < 3 * heartbeat)
    problems.push("HOLD_STALE_MS: must be at least 3 × HOLD_HEARTBEAT_MS (a live instance must never look stale)");
  return problems;
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = schema.safeParse(source);
  // Every problem at once: the invalid variables and the missing ones.
  const problems = [
    ...(result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`)),
    ...crossProblems(source),
  ];
  if (!result.success || problems.length) throw new EnvError(problems);
  const e = result.data;
  const appUrl = e.APP_URL ?? `http://localhost:${e.PORT}`;
  const rpcUrl = e.SOLANA_RPC_URL ?? (DEFAULT_RPC[e.SOLANA_CLUSTER] || `http://127.0.0.1:${e.LOCALNET_PORT}`);
  // Browsers get their own endpoint: the server's may carry a provider's API key in its URL.
  const publicRpcUrl =
    e.PUBLIC_SOLANA_RPC_URL ?? (e.SOLANA_CLUSTER === "localnet" ? rpcUrl : DEFAULT_RPC[e.SOLANA_CLUSTER]);
  return { ...e, APP_URL: appUrl, appOrigin: new URL(appUrl).origin, rpcUrl, publicRpcUrl };
}

export function env(): Env {
  return ensurePart("env", () => parseEnv(process.env));
}

/**
 * The deployment's origin where it can be known without validating the whole configuration:
 * at build time (pages prerendered then) APP_URL may be unset, and env() would throw.
 */
export function publicOrigin(): string | undefined {
  try {
    return new URL(process.env.APP_URL ?? "").origin;
  } catch {
    return undefined;
  }
}

/** Tests and the dev harness change configuration between runs. */
export function overrideEnv(values: Record<string, string | undefined>): Env {
  const e = parseEnv({ ...process.env, ...values });
  setPart("env", e);
  return e;
}

export function rawEnv(name: string): string | undefined {
  return process.env[name];
}
