import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  airdropFactory,
  createSolanaRpc,
  createSolanaRpcSubscriptions,
  address,
  lamports,
  generateKeyPairSigner,
} from "@solana/kit";
import {
  createTransferCheckedInstruction,
  getAccount,
  getAssociatedTokenAddressSync,
  getMint,
  TOKEN_PROGRAM_ID,
} from "@solana/spl-token";
import {
  AddressLookupTableProgram,
  Connection,
  Keypair,
  LAMPORTS_PER_SOL,
  PublicKey,
  sendAndConfirmTransaction,
  SystemProgram,
  Transaction,
  TransactionInstruction,
  TransactionMessage,
  VersionedTransaction,
} from "@solana/web3.js";
import bs58 from "bs58";
import { spawnLocalnet, type SpawnedLocalnet } from "./spawn";

const MEMO_PROGRAM = new PublicKey("MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr");
const memoIx = (text: string) =>
  new TransactionInstruction({ programId: MEMO_PROGRAM, keys: [], data: Buffer.from(text) });

let dataDir: string;
let ln: SpawnedLocalnet;
let conn: Connection;

async function rpc(method: string, params: unknown[] = []): Promise<{ result?: any; error?: any }> {
  const res = await fetch(ln.info.rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  return res.json();
}

async function start(): Promise<void> {
  ln = await spawnLocalnet({ port: 0, dataDir, quiet: true });
  conn = new Connection(ln.info.rpcUrl, { commitment: "confirmed", wsEndpoint: ln.info.wsUrl });
}

async function confirm(signature: string): Promise<void> {
  const { blockhash, lastValidBlockHeight } = await conn.getLatestBlockhash();
  const { value } = await conn.confirmTransaction({ signature, blockhash, lastValidBlockHeight });
  expect(value.err).toBeNull();
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "localnet-test-"));
  await start();
});

afterAll(async () => {
  await ln?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("localnet", () => {
  const payer = Keypair.generate();
  const reference = Keypair.generate().publicKey;
  let usdc: PublicKey;
  let treasury: PublicKey;
  let payerAta: PublicKey;
  let treasuryAta: PublicKey;
  let paymentSig: string;
  let paymentTx: Transaction;

  it("serves cluster basics, batches and CORS", async () => {
    const batch = await fetch(ln.info.rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([
        { jsonrpc: "2.0", id: 1, method: "getHealth" },
        { jsonrpc: "2.0", id: 2, method: "nope" },
      ]),
    }).then((r) => r.json());
    expect(batch).toMatchObject([
      { id: 1, result: "ok" },
      { id: 2, error: { code: -32601 } },
    ]);
    const preflight = await fetch(ln.info.rpcUrl, {
      method: "OPTIONS",
      headers: { Origin: "http://localhost:3000", "Access-Control-Request-Headers": "content-type,solana-client" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect(preflight.headers.get("access-control-allow-headers")).toContain("solana-client");
    expect(await conn.getBlockHeight()).toBeGreaterThanOrEqual(0);
    expect((await conn.getVersion())["solana-core"]).toBeTruthy();
  });

  it("airdrops SOL and tokens", async () => {
    usdc = new PublicKey(ln.info.usdcMint);
    treasury = new PublicKey(ln.info.treasury);
    payerAta = getAssociatedTokenAddressSync(usdc, payer.publicKey);
    treasuryAta = getAssociatedTokenAddressSync(usdc, treasury);
    await confirm(await conn.requestAirdrop(payer.publicKey, 2 * LAMPORTS_PER_SOL));
    expect(await conn.getBalance(payer.publicKey)).toBe(2 * LAMPORTS_PER_SOL);

    const { result: sig, error } = await rpc("requestTokenAirdrop", [
      payer.publicKey.toBase58(),
      usdc.toBase58(),
      "5000000",
    ]);
    expect(error).toBeUndefined();
    await confirm(sig);
    expect((await getAccount(conn, payerAta)).amount).toBe(5_000_000n);
    expect((await getMint(conn, usdc)).decimals).toBe(6);
    expect((await conn.getTokenAccountBalance(treasuryAta)).value.amount).toBe("0");
  });

  it("confirms a Solana Pay style USDC transfer and reports it like a real node", async () => {
    const transfer = createTransferCheckedInstruction(payerAta, usdc, treasuryAta, payer.publicKey, 1_250_000n, 6);
    transfer.keys.push({ pubkey: reference, isSigner: false, isWritable: false });
    paymentTx = new Transaction().add(memoIx("order-42"), transfer);
    paymentSig = await sendAndConfirmTransaction(conn, paymentTx, [payer]);

    const tx = await conn.getTransaction(paymentSig, { maxSupportedTransactionVersion: 0, commitment: "confirmed" });
    expect(tx?.version).toBe("legacy");
    const keys = tx!.transaction.message.staticAccountKeys.map((k) => k.toBase58());
    expect(keys).toContain(reference.toBase58());
    const idx = keys.indexOf(treasuryAta.toBase58());
    const pre = tx!.meta!.preTokenBalances!.find((b) => b.accountIndex === idx)!;
    const post = tx!.meta!.postTokenBalances!.find((b) => b.accountIndex === idx)!;
    expect(BigInt(post.uiTokenAmount.amount) - BigInt(pre.uiTokenAmount.amount)).toBe(1_250_000n);
    expect(post).toMatchObject({
      mint: usdc.toBase58(),
      owner: treasury.toBase58(),
      programId: TOKEN_PROGRAM_ID.toBase58(),
    });
    expect(post.uiTokenAmount).toMatchObject({ decimals: 6, uiAmount: 1.25, uiAmountString: "1.25" });
    expect(tx!.meta!.fee).toBe(5000);
    expect(tx!.meta!.preBalances[0]! - tx!.meta!.postBalances[0]!).toBe(5000);
    expect(tx!.meta!.logMessages!.length).toBeGreaterThan(0);
    expect(tx!.blockTime).toBeGreaterThan(Date.now() / 1000 - 120);

    const parsed = await conn.getParsedTransaction(paymentSig, { maxSupportedTransactionVersion: 0 });
    expect(parsed!.transaction.message.instructions[1]).toMatchObject({ parsed: { type: "transferChecked" } });

    const sigs = await conn.getSignaturesForAddress(reference);
    expect(sigs).toHaveLength(1);
    expect(sigs[0]).toMatchObject({
      signature: paymentSig,
      err: null,
      memo: "[8] order-42",
      confirmationStatus: "finalized",
    });
    const status = await conn.getSignatureStatus(paymentSig);
    expect(status.value).toMatchObject({ err: null, confirmationStatus: "finalized", confirmations: null });
  });

  it("refuses a resent transaction and fails preflight with -32002", async () => {
    await expect(conn.sendRawTransaction(paymentTx.serialize())).rejects.toThrow(/already been processed/);

    const tooMuch = createTransferCheckedInstruction(payerAta, usdc, treasuryAta, payer.publicKey, 100_000_000n, 6);
    const { blockhash } = await conn.getLatestBlockhash();
    const tx = new Transaction({ feePayer: payer.publicKey, recentBlockhash: blockhash }).add(tooMuch);
    tx.sign(payer);
    const { error } = await rpc("sendTransaction", [tx.serialize().toString("base64"), { encoding: "base64" }]);
    expect(error.code).toBe(-32002);
    expect(error.message).toMatch(
      /^Transaction simulation failed: Error processing Instruction 0: custom program error: 0x1/,
    );
    expect(error.data.err).toEqual({ InstructionError: [0, { Custom: 1 }] });
    expect(error.data.logs.join("\n")).toMatch(/insufficient funds/i);
    // A transaction refused in preflight never lands.
    expect((await conn.getSignatureStatus(bs58.encode(tx.signature!))).value).toBeNull();
  });

  it("runs a v0 transaction that loads an address lookup table", async () => {
    const to = Keypair.generate().publicKey;
    const [create, table] = AddressLookupTableProgram.createLookupTable({
      authority: payer.publicKey,
      payer: payer.publicKey,
      recentSlot: await conn.getSlot(),
    });
    const extend = AddressLookupTableProgram.extendLookupTable({
      lookupTable: table,
      authority: payer.publicKey,
      payer: payer.publicKey,
      addresses: [to],
    });
    await sendAndConfirmTransaction(conn, new Transaction().add(create, extend), [payer]);
    await new Promise((r) => setTimeout(r, 900)); // addresses become usable a slot after they are added
    const lookupTable = (await conn.getAddressLookupTable(table)).value!;

    const { blockhash, lastValidBlockHeight } = await conn.getLatestBlockhash();
    const message = new TransactionMessage({
      payerKey: payer.publicKey,
      recentBlockhash: blockhash,
      instructions: [
        SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: to, lamports: 1_000_000 }),
        memoIx("v0"),
      ],
    }).compileToV0Message([lookupTable]);
    const vtx = new VersionedTransaction(message);
    vtx.sign([payer]);
    const signature = await conn.sendTransaction(vtx);
    await conn.confirmTransaction({ signature, blockhash, lastValidBlockHeight });
    expect(await conn.getBalance(to)).toBe(1_000_000);
    const tx = await conn.getTransaction(signature, { maxSupportedTransactionVersion: 0 });
    expect(tx?.version).toBe(0);
    expect(tx?.meta?.loadedAddresses?.writable.map((k) => k.toBase58())).toEqual([to.toBase58()]);
    expect((await conn.getSignaturesForAddress(to))[0]?.signature).toBe(signature);
    await expect(conn.getTransaction(signature)).rejects.toThrow(/maxSupportedTransactionVersion/);
  });

  it("works with @solana/kit", async () => {
    const kitRpc = createSolanaRpc(ln.info.rpcUrl);
    const { value } = await kitRpc.getLatestBlockhash().send();
    expect(typeof value.blockhash).toBe("string");
    const ata = await kitRpc.getAccountInfo(address(treasuryAta.toBase58()), { encoding: "base64" }).send();
    expect(ata.value?.owner).toBe(TOKEN_PROGRAM_ID.toBase58());
    const parsed = await kitRpc.getAccountInfo(address(treasuryAta.toBase58()), { encoding: "jsonParsed" }).send();
    expect((parsed.value?.data as any).parsed.info.tokenAmount.amount).toBe("1250000");

    const signer = await generateKeyPairSigner();
    const rpcSubscriptions = createSolanaRpcSubscriptions(ln.info.wsUrl);
    await airdropFactory({ rpc: kitRpc, rpcSubscriptions })({
      recipientAddress: signer.address,
      lamports: lamports(1_000_000n),
      commitment: "confirmed",
    });
    expect((await kitRpc.getBalance(signer.address).send()).value).toBe(1_000_000n);
  });

  it("keeps balances and history across a restart", async () => {
    const before = { sol: await conn.getBalance(payer.publicKey), usdc: (await getAccount(conn, treasuryAta)).amount };
    const infoBefore = ln.info;
    await ln.stop();
    await start();
    expect(ln.info).toMatchObject({
      usdcMint: infoBefore.usdcMint,
      routerMint: infoBefore.routerMint,
      treasury: infoBefore.treasury,
    });
    expect(await conn.getBalance(payer.publicKey)).toBe(before.sol);
    expect((await getAccount(conn, treasuryAta)).amount).toBe(before.usdc);
    expect((await conn.getSignaturesForAddress(reference))[0]?.signature).toBe(paymentSig);
    const tx = await conn.getTransaction(paymentSig, { maxSupportedTransactionVersion: 0 });
    expect(tx?.meta?.postTokenBalances?.length).toBeGreaterThan(0);
    // Still live after the restart: the resend is refused, a fresh transfer lands.
    await expect(conn.sendRawTransaction(paymentTx.serialize())).rejects.toThrow(/already been processed/);
    // Sent twice, identical: web3.js waits for a fresh blockhash so the second one is a new transaction.
    const again = createTransferCheckedInstruction(payerAta, usdc, treasuryAta, payer.publicKey, 1n, 6);
    await sendAndConfirmTransaction(conn, new Transaction().add(again), [payer]);
    await sendAndConfirmTransaction(conn, new Transaction().add(again), [payer]);
    expect((await getAccount(conn, treasuryAta)).amount).toBe(before.usdc + 2n);
  });
});
