import { spawnSync } from "node:child_process";
import * as spl from "@solana/spl-token";
import { Keypair, PublicKey, type TransactionInstruction } from "@solana/web3.js";
import { describe, expect, it } from "vitest";
import * as ours from "./spl";
import { rawEnv } from "@/lib/env";

const key = () => Keypair.generate().publicKey;
const same = (a: TransactionInstruction, b: TransactionInstruction) => {
  expect(a.programId.toBase58()).toBe(b.programId.toBase58());
  expect(a.keys.map((k) => [k.pubkey.toBase58(), k.isSigner, k.isWritable])).toEqual(
    b.keys.map((k) => [k.pubkey.toBase58(), k.isSigner, k.isWritable]),
  );
  expect(Buffer.from(a.data).toString("hex")).toBe(Buffer.from(b.data).toString("hex"));
};

describe("SPL Token helpers, checked against @solana/spl-token", () => {
  for (const programId of [spl.TOKEN_PROGRAM_ID, spl.TOKEN_2022_PROGRAM_ID]) {
    it(`builds the same addresses and instructions for ${programId.toBase58().slice(0, 8)}`, () => {
      const [mint, owner, dest, payer] = [key(), key(), key(), key()];
      const offCurve = PublicKey.findProgramAddressSync([Buffer.from("x")], programId)[0];
      expect(ours.getAssociatedTokenAddressSync(mint, owner, false, programId).toBase58()).toBe(
        spl.getAssociatedTokenAddressSync(mint, owner, false, programId).toBase58(),
      );
      expect(ours.getAssociatedTokenAddressSync(mint, offCurve, true, programId).toBase58()).toBe(
        spl.getAssociatedTokenAddressSync(mint, offCurve, true, programId).toBase58(),
      );
      expect(() => ours.getAssociatedTokenAddressSync(mint, offCurve, false, programId)).toThrow();
      const amount = 18_446_744_073_709_551_615n;
      same(
        ours.createTransferCheckedInstruction(owner, mint, dest, payer, amount, 6, programId),
        spl.createTransferCheckedInstruction(owner, mint, dest, payer, amount, 6, [], programId),
      );
      same(
        ours.createMintToCheckedInstruction(mint, dest, payer, 42n, 9, programId),
        spl.createMintToCheckedInstruction(mint, dest, payer, 42n, 9, [], programId),
      );
      same(
        ours.createInitializeMint2Instruction(mint, 6, payer, null, programId),
        spl.createInitializeMint2Instruction(mint, 6, payer, null, programId),
      );
      same(
        ours.createInitializeMint2Instruction(mint, 0, payer, owner, programId),
        spl.createInitializeMint2Instruction(mint, 0, payer, owner, programId),
      );
      same(
        ours.createAssociatedTokenAccountIdempotentInstruction(payer, dest, owner, mint, programId),
        spl.createAssociatedTokenAccountIdempotentInstruction(payer, dest, owner, mint, programId),
      );
    });
  }
  it("has the same constants", () => {
    expect(ours.ASSOCIATED_TOKEN_PROGRAM_ID.toBase58()).toBe(spl.ASSOCIATED_TOKEN_PROGRAM_ID.toBase58());
    expect(ours.MINT_SIZE).toBe(spl.MINT_SIZE);
  });
});

describe("what dev and production load", () => {
  it("prints nothing at import: no 'bigint: Failed to load bindings' from spl-token's bigint-buffer", () => {
    // A fresh process, as `npm run dev` starts them: the local cluster's faucet and the server's token code.
    const script =
      'await import("./localnet/faucet.ts"); await import("@solrouter/sdk/topup"); await import("./lib/solana/mints.ts");';
    const run = spawnSync(
      process.execPath,
      ["--import", "tsx", "--conditions=react-server", "--input-type=module", "-e", script],
      {
        encoding: "utf8",
        // Only what a fresh shell would have: no NODE_OPTIONS or loaders from the test runner.
        env: { PATH: rawEnv("PATH") ?? "", HOME: rawEnv("HOME") ?? "", NODE_ENV: "development" },
      },
    );
    expect(run.status).toBe(0);
    expect(run.stdout + run.stderr).toBe("");
  }, 60_000);
});
