// What the CLI signs must be what the server expects, byte for byte: the SIWS text (written by
// @solana/wallet-standard-util on the CLI's side, by lib/auth on the server's) and the top-up
// transfer (@solrouter/sdk/topup, shared with the Billing page), checked here against
// @solana/spl-token, the reference encoder. Its helpers must be exact.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import nacl from "tweetnacl";
import { Keypair, PublicKey } from "@solana/web3.js";
import { createSignInMessageText as serverText } from "@/lib/auth/siws-message";
import { createSignInMessageText as walletText } from "@solana/wallet-standard-util";
import { Transaction, TransactionInstruction } from "@solana/web3.js";
import * as spl from "@solana/spl-token";
import { buildTopupTransaction, MEMO_PROGRAM_ID } from "@solrouter/sdk/topup";
import { parseUsd, usd } from "../src/format";
import { forgetSession, loadSession, saveSession } from "../src/session-store";
import { base58, loadKeypair } from "../src/keypair";
import { resolveOrigin } from "../src/http";

describe("what the CLI signs matches the server and the reference encoders", () => {
  it("signs the SIWS text wallets write (@solana/wallet-standard-util), which the server builds byte for byte", () => {
    const input = {
      domain: "localhost:3000",
      address: Keypair.generate().publicKey.toBase58(),
      statement: "Sign in to Solrouter.",
      uri: "http://localhost:3000",
      version: "1",
      chainId: "localnet",
      nonce: "abcdefghijklmnopqrstuvwx",
      issuedAt: "2026-12-04T22:00:00.000Z",
      expirationTime: "2026-12-04T22:10:00.000Z",
    };
    expect(walletText(input)).toBe(serverText(input));
    const more = { ...input, statement: undefined, requestId: "r1", resources: ["https://a", "https://b"] };
    expect(walletText(more)).toBe(serverText(more));
  });

  it.each([
    ["Token", spl.TOKEN_PROGRAM_ID],
    ["Token-2022", spl.TOKEN_2022_PROGRAM_ID],
  ])("builds the top-up transfer as @solana/spl-token would, reference last (%s)", (_name, programId) => {
    const payer = Keypair.generate().publicKey;
    const topup = {
      mint: Keypair.generate().publicKey.toBase58(),
      decimals: 6,
      amount: "5000000",
      payToTokenAccount: Keypair.generate().publicKey.toBase58(),
      reference: Keypair.generate().publicKey.toBase58(),
      memo: "solrouter:topup:1234",
    };
    const blockhash = { blockhash: new PublicKey(Keypair.generate().publicKey).toBase58(), lastValidBlockHeight: 9 };
    const mint = new PublicKey(topup.mint);
    const transfer = spl.createTransferCheckedInstruction(
      spl.getAssociatedTokenAddressSync(mint, payer, true, programId),
      mint,
      new PublicKey(topup.payToTokenAccount),
      payer,
      5_000_000n,
      6,
      [],
      programId,
    );
    transfer.keys.push({ pubkey: new PublicKey(topup.reference), isSigner: false, isWritable: false });
    const memo = new TransactionInstruction({ programId: MEMO_PROGRAM_ID, keys: [], data: Buffer.from(topup.memo) });
    const expected = new Transaction({ feePayer: payer, ...blockhash }).add(memo, transfer).serializeMessage();
    const built = buildTopupTransaction(payer, topup, programId, blockhash).serializeMessage();
    expect(built.toString("hex")).toBe(expected.toString("hex"));
  });
});

describe("CLI helpers", () => {
  it("formats and parses dollars exactly", () => {
    expect(usd(5_000_000)).toBe("$5.00");
    expect(usd(1_234_567_891n)).toBe("$1,234.567891");
    expect(usd(-250_000)).toBe("-$0.25");
    expect(parseUsd("5")).toBe(5_000_000n);
    expect(parseUsd("$0.000001")).toBe(1n);
    expect(parseUsd("2.5")).toBe(2_500_000n);
    for (const bad of ["", "1e3", "-1", "1.0000001", "abc", "1,5"]) expect(parseUsd(bad)).toBeUndefined();
  });

  it("keeps one session per server in a 0600 file", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cli-session-")), "solrouter", "session.json");
    saveSession("http://localhost:3000", { cookie: "sr_session=a", wallet: "w1" }, file);
    saveSession("https://solrouter.com", { cookie: "__Host-sr_session=b", wallet: "w2" }, file);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(loadSession("http://localhost:3000", file)?.wallet).toBe("w1");
    expect(forgetSession("http://localhost:3000", file)).toBe(true);
    expect(loadSession("http://localhost:3000", file)).toBeUndefined();
    expect(loadSession("https://solrouter.com", file)?.cookie).toBe("__Host-sr_session=b");
    fs.writeFileSync(file, "not json");
    expect(loadSession("https://solrouter.com", file)).toBeUndefined();
  });

  it("reads a solana-keygen file and signs with it", () => {
    const kp = Keypair.generate();
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cli-kp-")), "id.json");
    fs.writeFileSync(file, JSON.stringify([...kp.secretKey]));
    const loaded = loadKeypair(file);
    expect(loaded.address).toBe(kp.publicKey.toBase58());
    const msg = new TextEncoder().encode("hello");
    const sig = loaded.signMessage(msg);
    expect(nacl.sign.detached.verify(msg, sig, kp.publicKey.toBytes())).toBe(true);
    // The CLI's own base58 (it keeps web3.js off the start-up path) writes the same addresses.
    for (const bytes of [new Uint8Array(32), Uint8Array.from([0, 0, 1, 2, ...new Array(28).fill(255)])])
      expect(base58(bytes)).toBe(new PublicKey(bytes).toBase58());
  });

  it("takes the server from --url, then SOLROUTER_URL, then solrouter.com", () => {
    expect(resolveOrigin("http://localhost:3000/x", {})).toBe("http://localhost:3000");
    expect(resolveOrigin(undefined, { SOLROUTER_URL: "http://127.0.0.1:4201" })).toBe("http://127.0.0.1:4201");
    expect(resolveOrigin(undefined, {})).toBe("https://solrouter.com");
    expect(() => resolveOrigin("nope", {})).toThrow(/not a URL/);
  });
});
