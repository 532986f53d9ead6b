import "server-only";
import { env } from "@/lib/env";
import { checkDatabase } from "@/lib/db/health";
import { rpcCall } from "@/lib/solana/rpc";

// What the server depends on besides itself, each with its state: /api/health reports them and
// the boot warns about each missing one, so "healthy" never hides a server that cannot take a
// top-up or serve a call.

export type DependencyState = "up" | "down" | "unconfigured";
export interface Dependency {
  state: DependencyState;
  /** Plain words for an operator when the state is not "up". */
  detail?: string;
}
export interface Dependencies {
  database: Dependency;
  rpc: Dependency;
  model: Dependency;
}

const PROBE_TIMEOUT_MS = 1_500;

async function rpcState(timeoutMs: number): Promise<Dependency> {
  const e = env();
  try {
    await rpcCall("getHealth", [], { timeoutMs });
  } catch (err) {
    const hint = e.SOLANA_CLUSTER === "localnet" ? " (start it with `npm run localnet`, or use `npm run dev`)" : "";
    return {
      state: "down",
      detail: `The Solana RPC at ${e.rpcUrl} does not answer${hint}: ${(err as Error).message}.`,
    };
  }
  const missing = (["USDC_MINT", "TREASURY_ADDRESS"] as const).filter((k) => !e[k]);
  if (missing.length) {
    return {
      state: "unconfigured",
      detail: `${missing.join(" and ")} not set: top-ups are off (\`npm run localnet\` prints the local cluster's values).`,
    };
  }
  return { state: "up" };
}

async function modelState(timeoutMs: number): Promise<Dependency> {
  const url = env().UPSTREAM_URL;
  if (!url)
    return {
      state: "unconfigured",
      detail: "UPSTREAM_URL is not set: /agent answers 503 until it names an OpenAI-compatible model server.",
    };
  try {
    // Any HTTP answer means the server is there; /v1/models is what Ollama, vLLM and llama.cpp serve.
    const res = await fetch(`${url.replace(/\/$/, "")}/v1/models`, { signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel().catch(() => {});
    return { state: "up" };
  } catch {
    return { state: "down", detail: `The model server at ${url} does not answer.` };
  }
}

export async function checkDependencies(timeoutMs = PROBE_TIMEOUT_MS): Promise<Dependencies> {
  const [db, rpc, model] = await Promise.all([checkDatabase(), rpcState(timeoutMs), modelState(timeoutMs)]);
  return { database: db ? { state: "up" } : { state: "down", detail: "The database does not answer." }, rpc, model };
}

/**
 * The boot's check: a machine busy starting everything at once (a first `npm run dev` compiles
 * while the cluster and the database start) can be slow to answer, so a missing part is only
 * reported when a second, patient look agrees.
 */
export async function bootDependencyWarnings(): Promise<string[]> {
  const first = dependencyWarnings(await checkDependencies(5_000));
  if (!first.length) return [];
  await new Promise((r) => setTimeout(r, 3_000));
  return dependencyWarnings(await checkDependencies(5_000));
}

/** One line per dependency that is not up, for the boot log. */
export function dependencyWarnings(deps: Dependencies): string[] {
  return (Object.entries(deps) as [keyof Dependencies, Dependency][])
    .filter(([, d]) => d.state !== "up")
    .map(([name, d]) => `${name}: ${d.detail ?? d.state}`);
}
