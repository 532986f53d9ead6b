import fs from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { Faucet } from "./faucet";
import type { JournalEntry } from "./history";
import { Ledger } from "./ledger";
import { acquireLock, Journal, loadOrCreateState } from "./persistence";
import type { RpcContext } from "./rpc-context";
import { createDispatcher, createHttpHandler } from "./rpc-http";
import { SlotClock } from "./slot-clock";
import { Subscriptions } from "./ws";

export interface LocalnetInfo {
  rpcUrl: string;
  wsUrl: string;
  usdcMint: string;
  routerMint: string;
  treasury: string;
}

export interface StartLocalnetOptions {
  /** HTTP port; WebSocket listens on port + 1 (web3.js's convention). 0 picks free ports. Default 8899. */
  port?: number;
  dataDir: string;
  host?: string;
  quiet?: boolean;
}

export interface Localnet {
  info: LocalnetInfo;
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => reject(e);
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function shutdown(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Binds the RPC port and the WebSocket port next to it, retrying random pairs when port 0 was asked for. */
async function bindPorts(rpc: Server, ws: Server, port: number, host: string): Promise<[number, number]> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const rpcPort = await listen(rpc, port, host);
    try {
      return [rpcPort, await listen(ws, rpcPort + 1, host)];
    } catch (e) {
      if (port !== 0 || (e as NodeJS.ErrnoException).code !== "EADDRINUSE") {
        await shutdown(rpc);
        throw e;
      }
      await shutdown(rpc);
    }
  }
  const rpcPort = await listen(rpc, 0, host);
  return [rpcPort, await listen(ws, 0, host)];
}

export async function startLocalnet(options: StartLocalnetOptions): Promise<Localnet> {
  const log = options.quiet ? () => {} : (msg: string) => process.stderr.write(`localnet: ${msg}\n`);
  const host = options.host ?? "127.0.0.1";
  const dataDir = path.resolve(options.dataDir);
  fs.mkdirSync(dataDir, { recursive: true });
  const releaseLock = acquireLock(dataDir);
  let journal: Journal | null = null;
  try {
    const { state, created } = loadOrCreateState(dataDir);
    const ledger = new Ledger(new SlotClock(state.genesisMs, state.seed));
    const faucet = new Faucet(ledger, state.keys);
    faucet.fundFaucet();
    const journalFile = path.join(dataDir, "journal.ndjson");
    const started = Date.now();
    const entries = Journal.read(journalFile) as JournalEntry[];
    // Divergence from the journal means balances may be wrong, so it is reported even when quiet.
    ledger.replay(entries, (msg) => process.stderr.write(`localnet: ${msg}\n`));
    if (entries.length) log(`replayed ${entries.length} transactions in ${Date.now() - started} ms`);
    journal = new Journal(journalFile);
    ledger.journal = journal;
    faucet.ensureGenesis();
    if (created) log(`created new localnet state in ${dataDir}`);

    const ctx: RpcContext = { ledger, faucet, identity: state.keys.faucet.publicKey.toBase58(), log };
    const handler = createHttpHandler(createDispatcher(ctx));
    const subscriptions = new Subscriptions(ctx);
    // Both ports speak HTTP and WebSocket, so clients that use the RPC port for PubSub also work.
    const servers = [createServer(handler), createServer(handler)] as const;
    for (const server of servers) {
      server.on("upgrade", (req, socket, head) => subscriptions.handleUpgrade(req, socket, head));
    }
    const [rpcPort, wsPort] = await bindPorts(servers[0], servers[1], options.port ?? 8899, host);

    const info: LocalnetInfo = {
      rpcUrl: `http://${host}:${rpcPort}`,
      wsUrl: `ws://${host}:${wsPort}`,
      usdcMint: state.keys.usdcMint.publicKey.toBase58(),
      routerMint: state.keys.routerMint.publicKey.toBase58(),
      treasury: state.keys.treasury.publicKey.toBase58(),
    };
    log(`listening on ${info.rpcUrl} (ws ${info.wsUrl}), data in ${dataDir}`);
    let closing: Promise<void> | null = null;
    const openJournal = journal;
    return {
      info,
      close: () =>
        (closing ??= (async () => {
          await subscriptions.close();
          await Promise.all(servers.map(shutdown));
          openJournal.close();
          releaseLock();
        })()),
    };
  } catch (e) {
    journal?.close();
    releaseLock();
    throw e;
  }
}
