// The local Solana cluster for the chaos run, on a port of the suite's range, with the faucet.
import path from "node:path";
import { Connection, Keypair, LAMPORTS_PER_SOL, Transaction, type TransactionInstruction } from "@solana/web3.js";
import { spawnLocalnet, type SpawnedLocalnet } from "@/localnet/spawn";
import { clusterEnv } from "@/lib/test/localnet";
import { localRpc } from "@/lib/x402/test-payer";

export interface Chain {
  ln: SpawnedLocalnet;
  env: Record<string, string>;
  fundedWallet(): Promise<Keypair>;
  send(payer: Keypair, ixs: TransactionInstruction[]): Promise<string>;
}

export async function startChain(dir: string, port: number): Promise<Chain> {
  const ln = await spawnLocalnet({ port, dataDir: path.join(dir, "localnet"), quiet: true });
  const info = ln.info;
  const conn = new Connection(info.rpcUrl, { commitment: "confirmed", wsEndpoint: info.wsUrl });
  const rpc = <T,>(method: string, params: unknown[]) => localRpc<T>(info.rpcUrl, method, params);
  const confirmed = async (sig: string) => {
    for (let i = 0; i < 200; i++) {
      const { value } = await conn.getSignatureStatuses([sig]);
      if (value[0]?.confirmationStatus) {
        if (value[0].err) throw new Error(`transaction failed: ${JSON.stringify(value[0].err)}`);
        return;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`not confirmed: ${sig}`);
  };
  return {
    ln,
    env: clusterEnv(info),
    async fundedWallet() {
      const kp = Keypair.generate();
      const owner = kp.publicKey.toBase58();
      await confirmed(await rpc<string>("requestAirdrop", [owner, 10 * LAMPORTS_PER_SOL]));
      await confirmed(await rpc<string>("requestTokenAirdrop", [owner, info.usdcMint, "1000000000"]));
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
  };
}
