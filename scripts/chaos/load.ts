// Closed-loop /agent load over several accounts and instances, with every answer counted by
// instance, status and the fault phase it happened in.
import { agentCall } from "./client";
import type { Instance } from "./procs";

export interface Stats {
  calls: number;
  ok: number;
  byStatus: Record<string, number>;
  fiveXx: { at: number; phase: string; instance: string; status: number; body: string }[];
  transport: number;
}

export const newStats = (): Stats => ({ calls: 0, ok: 0, byStatus: {}, fiveXx: [], transport: 0 });

/** The current fault phase, stamped on every 5xx so the report can tell expected ones apart. */
export const phase = { name: "steady", paused: new Set<string>() };

export function runLoad(workers: { key: string; targets: Instance[] }[], stats: Stats, maxCalls: number) {
  let stop = false;
  const loops = workers.map(async (w, i) => {
    let n = i;
    while (!stop && stats.calls < maxCalls) {
      const up = w.targets.filter((t) => t.alive && !phase.paused.has(t.name));
      // While a paused instance is in the list, keep sending it a share: that is what builds
      // the in-flight calls a resumed instance then settles.
      const target = w.targets[n++ % w.targets.length]!;
      const inst = phase.paused.has(target.name) && n % 4 !== 0 ? (up[0] ?? target) : target;
      if (!inst.alive) {
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      stats.calls++;
      try {
        const r = await agentCall(inst.url, w.key);
        stats.byStatus[r.status] = (stats.byStatus[r.status] ?? 0) + 1;
        if (r.status === 200) stats.ok++;
        if (r.status >= 500)
          stats.fiveXx.push({
            at: Date.now(),
            phase: phase.name,
            instance: inst.name,
            status: r.status,
            body: r.text.slice(0, 160),
          });
      } catch {
        stats.transport++;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  });
  return {
    async stop() {
      stop = true;
      await Promise.all(loops);
    },
  };
}
