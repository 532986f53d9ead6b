import { CliError } from "../errors.js";
import { table, usd, when } from "../format.js";
import { str, type Ctx } from "../context.js";

export async function balance(ctx: Ctx) {
  const me = await ctx.api.get<{ wallet: string; balanceMicro: number }>("/api/me");
  ctx.print({ wallet: me.wallet, balanceMicro: me.balanceMicro }, `${usd(me.balanceMicro)}  (${me.wallet})`);
}

const SINCE: Record<string, number> = { "24h": 1, "7d": 7, "30d": 30 };

interface UsageItem {
  at: string;
  keyName: string | null;
  model: string;
  inputTokens: number;
  outputTokens: number;
  costMicro: number;
  latencyMs: number;
  status: number;
}

export async function usage(ctx: Ctx) {
  const since = str(ctx, "since") ?? "30d";
  const days = SINCE[since];
  if (!days) throw new CliError("invalid_arguments", `--since must be 24h, 7d or 30d (got "${since}").`);
  const from = new Date(Date.now() - days * 86_400_000).toISOString();
  const query = `from=${encodeURIComponent(from)}`;
  if (ctx.options.csv) {
    process.stdout.write(await ctx.api.getText(`/api/usage/export.csv?${query}`));
    return;
  }
  const res = await ctx.api.get<{
    items: UsageItem[];
    nextCursor: string | null;
    totals: { requests: number; inputTokens: number; outputTokens: number; costMicro: number };
  }>(`/api/usage?${query}&limit=200`);
  const rows = res.items.map((u) => [
    when(u.at),
    u.keyName ?? "-",
    u.model,
    String(u.inputTokens),
    String(u.outputTokens),
    usd(u.costMicro),
    `${u.latencyMs} ms`,
    String(u.status),
  ]);
  const t = res.totals;
  const human = [
    rows.length ? table(["time (UTC)", "key", "model", "in", "out", "cost", "latency", "status"], rows) : "No calls.",
    res.nextCursor ? `(newest ${rows.length} shown; --csv for all)` : "",
    `Since ${when(from)} UTC: ${t.requests} calls, ${t.inputTokens} in / ${t.outputTokens} out tokens, ${usd(t.costMicro)}.`,
  ]
    .filter(Boolean)
    .join("\n");
  ctx.print(res, human);
}
