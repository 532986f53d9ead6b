// The faults the chaos run injects, one function per scenario, each leaving the stack running.
import { confirmPath, intent, junk, pay, req, type User } from "./client";
import type { TestLocalnet as Chain } from "@/lib/test/localnet";
import type { PrivatePg } from "./pg";
import type { Instance } from "./procs";
import { phase } from "./load";

export type Deposit = {
  id: string;
  reference: string;
  signature: string;
  creditMicro: number;
  paidAt: number;
  how: string;
};
export type Deposits = { pg: Deposit[]; lite: Deposit[] };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const JUNK = 25; // more than the 20 newest signatures the reconciler reads today

interface Ctx {
  chain: Chain;
  pg: PrivatePg;
  a: Instance;
  b: Instance;
  lite: Instance;
  cfg: { heartbeatMs: number; staleMs: number; floodUsers: number };
  counts: { pauses: number; kills: number; pgRestarts: number; floodIntents: number; junkTxs: number };
  deposits: Deposits;
  log(m: string): void;
  user(inst: Instance): Promise<User>;
}

export function faults(c: Ctx) {
  const record = (u: User, t: { id: string; reference: string; creditMicro: number }, signature: string, how: string) =>
    (u.base === c.lite.url ? c.deposits.lite : c.deposits.pg).push({
      id: t.id,
      reference: t.reference,
      signature,
      creditMicro: t.creditMicro,
      paidAt: Date.now(),
      how,
    });
  const bury = async (u: User, reference: string) => {
    await Promise.all(Array.from({ length: JUNK }, () => c.chain.send(u.wallet, junk(u.wallet, reference))));
    c.counts.junkTxs += JUNK;
  };
  const flooders: User[] = [];

  return {
    /** Pays an intent; "confirm" also tells the server (the browser), "phone" leaves it to the reconciler. */
    async deposit(u: User, creditMicro: number, how: "confirm" | "phone") {
      const t = await intent(u, creditMicro);
      const sig = await pay(c.chain, u.wallet, t);
      record(u, t, sig, how);
      if (how === "confirm") {
        const r = await req(u.base, confirmPath(t.id), { body: { signature: sig }, cookie: u.cookie });
        if (r.status !== 200) c.log(`confirm answered ${r.status}: ${r.text}`);
      }
    },

    /** Freezes pg-a while it holds balance, past the stale window, so pg-b's sweeper takes its holds. */
    async pauseA() {
      phase.name = "pause";
      await sleep(1_500); // let pg-a take holds under load
      c.a.kill("SIGSTOP");
      phase.paused.add(c.a.name);
      c.counts.pauses++;
      c.log("SIGSTOP pg-a");
      await sleep(c.cfg.staleMs * 2 + c.cfg.heartbeatMs * 2);
      c.a.kill("SIGCONT");
      phase.paused.delete(c.a.name);
      c.log("SIGCONT pg-a");
      await sleep(5_000); // pg-a serves from and releases its in-memory holds
      phase.name = "steady";
    },

    /** Signed-in accounts create intents as fast as allowed while a victim pays from a phone. */
    async floodAndPhone(n: number) {
      phase.name = "flood";
      while (flooders.length < n) flooders.push(await c.user(c.b));
      const victim = await c.user(c.a);
      let stop = false;
      const flood = flooders.map(async (f) => {
        while (!stop) {
          const r = await req(c.b.url, "/api/topups", {
            body: { token: "USDC", creditMicro: 1_000_000 },
            cookie: f.cookie,
          }).catch(() => null);
          if (r?.status === 201) c.counts.floodIntents++;
          await sleep(r?.status === 201 ? 100 : 1_000);
        }
      });
      await sleep(2_000);
      await this.deposit(victim, 1_000_000, "phone");
      c.log("phone deposit paid under the intent flood");
      await sleep(8_000);
      stop = true;
      await Promise.all(flood);
      phase.name = "steady";
    },

    /** SIGKILLs pg-b; while no PostgreSQL instance watches, a phone payment is buried under junk. */
    async killBAndBury() {
      phase.name = "kill";
      const victim = await c.user(c.a);
      const t = await intent(victim, 1_000_000);
      c.b.kill("SIGKILL");
      c.counts.kills++;
      c.a.kill("SIGSTOP");
      phase.paused.add(c.a.name);
      c.counts.pauses++;
      c.log("SIGKILL pg-b, SIGSTOP pg-a; paying and burying a reference");
      try {
        record(victim, t, await pay(c.chain, victim.wallet, t), "phone+junk");
        await bury(victim, t.reference);
      } finally {
        c.a.kill("SIGCONT");
        phase.paused.delete(c.a.name);
      }
      await c.b.start();
      c.log("pg-a resumed, pg-b restarted");
      phase.name = "steady";
    },

    async restartPg() {
      phase.name = "pg-restart";
      c.log("restarting PostgreSQL");
      await c.pg.restart();
      c.counts.pgRestarts++;
      // Pools reconnect on their next query: 5xx in these seconds are the bounded, expected ones.
      await sleep(5_000);
      phase.name = "steady";
    },

    /** SIGKILLs the PGlite instance; while it is down a phone payment is buried; then a clean one. */
    async killLiteAndBury(u: User) {
      phase.name = "lite-kill";
      const t = await intent(u, 1_000_000);
      c.lite.kill("SIGKILL");
      c.counts.kills++;
      c.log("SIGKILL pglite; paying and burying a reference");
      record(u, t, await pay(c.chain, u.wallet, t), "phone+junk");
      await bury(u, t.reference);
      await c.lite.start();
      await this.deposit(u, 1_000_000, "phone");
      c.log("pglite restarted");
      phase.name = "steady";
    },
  };
}
