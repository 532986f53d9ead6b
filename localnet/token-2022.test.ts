import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createMint,
  createTransferCheckedInstruction,
  getOrCreateAssociatedTokenAccount,
  mintTo,
  TOKEN_2022_PROGRAM_ID,
} from "@solana/spl-token";
import {
  Connection,
  Keypair,
  LAMPORTS_PER_SOL,
  PublicKey,
  sendAndConfirmTransaction,
  Transaction,
} from "@solana/web3.js";
import { spawnLocalnet, type SpawnedLocalnet } from "./spawn";

// Token-2022 on the local cluster, driven by @solana/spl-token as a wallet would: mints, token
// accounts, TransferChecked, and the balances a node reports for them.

let dataDir: string;
let ln: SpawnedLocalnet;
let conn: Connection;
const payer = Keypair.generate();
let treasury: PublicKey;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "localnet-t22-"));
  ln = await spawnLocalnet({ port: 0, dataDir, quiet: true });
  conn = new Connection(ln.info.rpcUrl, { commitment: "confirmed", wsEndpoint: ln.info.wsUrl });
  treasury = new PublicKey(ln.info.treasury);
  const signature = await conn.requestAirdrop(payer.publicKey, 2 * LAMPORTS_PER_SOL);
  await conn.confirmTransaction({ signature, ...(await conn.getLatestBlockhash()) });
}, 60_000);

afterAll(async () => {
  await ln?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("localnet with Token-2022", () => {
  it("handles Token-2022 mints", async () => {
    const mint = await createMint(
      conn,
      payer,
      payer.publicKey,
      null,
      2,
      Keypair.generate(),
      undefined,
      TOKEN_2022_PROGRAM_ID,
    );
    const from = await getOrCreateAssociatedTokenAccount(
      conn,
      payer,
      mint,
      payer.publicKey,
      false,
      undefined,
      undefined,
      TOKEN_2022_PROGRAM_ID,
    );
    const to = await getOrCreateAssociatedTokenAccount(
      conn,
      payer,
      mint,
      treasury,
      false,
      undefined,
      undefined,
      TOKEN_2022_PROGRAM_ID,
    );
    await mintTo(conn, payer, mint, from.address, payer, 1000, [], undefined, TOKEN_2022_PROGRAM_ID);
    const ix = createTransferCheckedInstruction(
      from.address,
      mint,
      to.address,
      payer.publicKey,
      250,
      2,
      [],
      TOKEN_2022_PROGRAM_ID,
    );
    const sig = await sendAndConfirmTransaction(conn, new Transaction().add(ix), [payer]);
    const tx = await conn.getTransaction(sig, { maxSupportedTransactionVersion: 0 });
    const post = tx!.meta!.postTokenBalances!.find((b) => b.owner === treasury.toBase58())!;
    expect(post).toMatchObject({
      programId: TOKEN_2022_PROGRAM_ID.toBase58(),
      uiTokenAmount: { amount: "250", uiAmountString: "2.5" },
    });
    const owned = await conn.getParsedTokenAccountsByOwner(treasury, { programId: TOKEN_2022_PROGRAM_ID });
    expect(owned.value.map((a) => a.account.data.parsed.info.tokenAmount.amount)).toEqual(["250"]);
  });
});
