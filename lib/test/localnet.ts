import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { getAssociatedTokenAddressSync } from "@/lib/solana/spl";
import {
  Connection,
  Keypair,
  LAMPORTS_PER_SOL,
  PublicKey,
  Transaction,
  type TransactionInstruction,
} from "@solana/web3.js";
import type { LocalnetInfo } from "@/localnet/server";
import { spawnLocalnet, type SpawnedLocalnet } from "@/localnet/spawn";
import { localRpc } from "@/lib/test/x402-payer";

// A real local cluster per test file: a child process on a fixed free port (HTTP and port+1 for
// WebSocket) with its own data directory, so it can be stopped and restarted with its state.

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once("error", () => resolve(false));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });
}

/** A port p with p and p+1 free. */
export async function freePortPair(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const p = 20_000 + Math.floor(Math.random() * 30_000);
    if ((await portFree(p)) && (await portFree(p + 1))) return p;
  }
  throw new Error("no free port pair found");
}

export interface TestLocalnet {
  ln: SpawnedLocalnet;
  port: number;
  dataDir: string;
  conn: Connection;
  usdc: PublicKey;
  router: PublicKey;
  treasury: PublicKey;
  /** The env overrides that point the app at this cluster. */
  env: Record<string, string>;
  rpc<T = unknown>(method: string, params: unknown[]): Promise<T>;
  restart(): Promise<void>;
  stop(): Promise<void>;
  /** A wallet with 1 SOL, 1,000 USDC and 100,000 $ROUTER. */
  fundedWallet(opts?: { usdc?: bigint; router?: bigint }): Promise<Keypair>;
  /** Signs and sends instructions from `payer`, resolving once confirmed. */
  send(payer: Keypair, ixs: TransactionInstruction[]): Promise<string>;
  tokenBalance(owner: PublicKey, mint: PublicKey): Promise<bigint>;
  ataOf(owner: PublicKey, mint: PublicKey): PublicKey;
}

/** Shared so the top-up and x402 suites point the app at their cluster the same way. */
export function clusterEnv(info: LocalnetInfo): Record<string, string> {
  return {
    SOLANA_CLUSTER: "localnet",
    SOLANA_RPC_URL: info.rpcUrl,
    USDC_MINT: info.usdcMint,
    ROUTER_MINT: info.routerMint,
    TREASURY_ADDRESS: info.treasury,
  };
}

/** A local cluster in its own folder; the chaos suite passes its own port and folder. */
export async function startTestLocalnet(opts: { port?: number; dataDir?: string } = {}): Promise<TestLocalnet> {
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "solrouter-topups-"));
  const port = opts.port ?? (await freePortPair());
  let ln = await spawnLocalnet({ port, dataDir: path.join(dataDir, "localnet"), quiet: true });
  const info = ln.info;
  const conn = new Connection(info.rpcUrl, { commitment: "confirmed", wsEndpoint: info.wsUrl });

  const rpc = <T>(method: string, params: unknown[]) => localRpc<T>(info.rpcUrl, method, params);
  const confirmed = async (signature: string) => {
    for (let i = 0; i < 100; i++) {
      const { value } = await conn.getSignatureStatuses([signature]);
      if (value[0]?.confirmationStatus) {
        if (value[0].err) throw new Error(`transaction failed: ${JSON.stringify(value[0].err)}`);
        return;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`not confirmed: ${signature}`);
  };
  const ataOf = (owner: PublicKey, mint: PublicKey) => getAssociatedTokenAddressSync(mint, owner, true);

  const t: TestLocalnet = {
    get ln() {
      return ln;
    },
    port,
    dataDir,
    conn,
    usdc: new PublicKey(info.usdcMint),
    router: new PublicKey(info.routerMint),
    treasury: new PublicKey(info.treasury),
    env: clusterEnv(info),
    rpc,
    async restart() {
      ln = await spawnLocalnet({ port, dataDir: path.join(dataDir, "localnet"), quiet: true });
    },
    async stop() {
      await ln.stop();
    },
    async fundedWallet(opts = {}) {
      const kp = Keypair.generate();
      const owner = kp.publicKey.toBase58();
      await confirmed(await rpc<string>("requestAirdrop", [owner, LAMPORTS_PER_SOL]));
      await confirmed(
        await rpc<string>("requestTokenAirdrop", [owner, info.usdcMint, String(opts.usdc ?? 1_000_000_000n)]),
      );
      await confirmed(
        await rpc<string>("requestTokenAirdrop", [owner, info.routerMint, String(opts.router ?? 100_000_000_000n)]),
      );
      return kp;
    },
    async send(payer, ixs) {
      const { blockhash, lastValidBlockHeight } = await conn.getLatestBlockhash();
      const tx = new Transaction({ feePayer: payer.publicKey, blockhash, lastValidBlockHeight }).add(...ixs);
      tx.sign(payer);
      const sig = await conn.sendRawTransaction(tx.serialize());
      await confirmed(sig);
      return sig;
    },
    async tokenBalance(owner, mint) {
      const b = await conn.getTokenAccountBalance(ataOf(owner, mint)).catch(() => null);
      return BigInt(b?.value.amount ?? 0);
    },
    ataOf,
  };
  return t;
}

export async function stopTestLocalnet(t: TestLocalnet | undefined): Promise<void> {
  if (!t) return;
  await t.stop();
  fs.rmSync(t.dataDir, { recursive: true, force: true });
}
