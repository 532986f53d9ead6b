import fs from "node:fs";
import { CliError } from "../errors.js";
import { parseUsd, table, when } from "../format.js";
import { str, type Ctx } from "../context.js";

interface Key {
  id: string;
  name: string;
  start: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  spendCapMicro?: number | null;
}

const GRACE: Record<string, number> = { "0": 0, "1h": 3600, "24h": 86400 };

export async function keysCreate(ctx: Ctx) {
  const name = str(ctx, "name");
  if (!name) throw new CliError("invalid_arguments", "keys create needs --name <name>.");
  const body: Record<string, unknown> = { name };
  const expires = str(ctx, "expires");
  if (expires !== undefined) {
    const at = new Date(/^\d{4}-\d{2}-\d{2}$/.test(expires) ? `${expires}T00:00:00Z` : expires);
    if (Number.isNaN(at.getTime()))
      throw new CliError("invalid_arguments", `--expires must be an ISO date like 2030-01-31 (got "${expires}").`);
    body.expiresAt = at.toISOString();
  }
  const cap = str(ctx, "cap-usd");
  if (cap !== undefined) {
    const micro = parseUsd(cap);
    if (micro === undefined || micro <= 0n)
      throw new CliError("invalid_arguments", `--cap-usd must be an amount in dollars like 25 or 2.50 (got "${cap}").`);
    const period = str(ctx, "cap-period") ?? "month";
    if (!["day", "week", "month"].includes(period))
      throw new CliError("invalid_arguments", `--cap-period must be day, week or month (got "${period}").`);
    body.spendCap = { micro: Number(micro), period };
  } else if (str(ctx, "cap-period") !== undefined)
    throw new CliError("invalid_arguments", "--cap-period needs --cap-usd.");
  const models = str(ctx, "models");
  if (models !== undefined)
    body.models = models
      .split(",")
      .map((m) => m.trim())
      .filter(Boolean);
  if (ctx.options.manage === true) body.canManageKeys = true;
  checkEnvFile(ctx);
  const { data } = await ctx.api.post<{ key: Key; secret: string }>("/api/keys", body);
  deliverSecret(ctx, data, `Created key "${data.key.name}" (${data.key.id}).`);
}

export async function keysList(ctx: Ctx) {
  const { keys } = await ctx.api.get<{ keys: Key[] }>("/api/keys");
  const rows = keys.map((k) => [
    k.id,
    k.name,
    k.start,
    when(k.createdAt),
    when(k.lastUsedAt),
    when(k.expiresAt),
    k.revokedAt
      ? `revoked ${when(k.revokedAt)}`
      : k.expiresAt && Date.parse(k.expiresAt) < Date.now()
        ? "expired"
        : "active",
  ]);
  const human = rows.length
    ? table(["id", "name", "key", "created", "last used", "expires", "status"], rows)
    : "No keys yet. Create one: solrouter keys create --name <name>";
  ctx.print({ keys }, human);
}

export async function keysRevoke(ctx: Ctx) {
  const id = keyId(ctx, "revoke");
  const { key } = await ctx.api.del<{ key: Key }>(`/api/keys/${encodeURIComponent(id)}`);
  ctx.print({ key }, `Revoked "${key.name}" (${key.id}). Calls with it are refused from now on.`);
}

export async function keysRoll(ctx: Ctx) {
  const id = keyId(ctx, "roll");
  const grace = str(ctx, "grace") ?? "0";
  if (!(grace in GRACE)) throw new CliError("invalid_arguments", `--grace must be 0, 1h or 24h (got "${grace}").`);
  checkEnvFile(ctx);
  const { data } = await ctx.api.post<{ key: Key; secret: string; replaced: Key }>(
    `/api/keys/${encodeURIComponent(id)}/roll`,
    { graceSeconds: GRACE[grace] },
  );
  const old = grace === "0" ? "The old key no longer works." : `The old key keeps working for ${grace}.`;
  deliverSecret(ctx, data, `Rolled "${data.key.name}": new key ${data.key.id}. ${old}`);
}

function keyId(ctx: Ctx, verb: string): string {
  const id = ctx.positionals[0];
  if (!id) throw new CliError("invalid_arguments", `keys ${verb} needs the key's id (see solrouter keys list).`);
  return id;
}

/** The secret is shown once: on stdout, or appended to --env-file and never printed. */
function deliverSecret(ctx: Ctx, data: { key: Key; secret: string } & Record<string, unknown>, headline: string) {
  const envFile = str(ctx, "env-file");
  if (!envFile) {
    ctx.print(data, `${headline}\n\n  ${data.secret}\n\nCopy it now: it is not shown again.`);
    return;
  }
  appendEnv(envFile, data.secret);
  const { secret: _secret, ...rest } = data;
  ctx.print({ ...rest, envFile }, `${headline}\nAppended SOLROUTER_API_KEY to ${envFile}.`);
}

/** Before the key exists: a secret that cannot be written anywhere would be lost. */
function checkEnvFile(ctx: Ctx) {
  const file = str(ctx, "env-file");
  if (!file) return;
  try {
    fs.closeSync(fs.openSync(file, "a", 0o600));
  } catch (err) {
    throw new CliError(
      "env_file_error",
      `Cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`,
    );
  }
}

function appendEnv(file: string, secret: string) {
  let before = "";
  try {
    before = fs.readFileSync(file, "utf8");
  } catch {
    // A new file: created below, readable by its owner only.
  }
  const sep = before && !before.endsWith("\n") ? "\n" : "";
  fs.appendFileSync(file, `${sep}SOLROUTER_API_KEY=${secret}\n`, { mode: 0o600 });
}
