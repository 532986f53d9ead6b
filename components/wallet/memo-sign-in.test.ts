import { describe, expect, it } from "vitest";
import { Keypair, Transaction } from "@solana/web3.js";
import nacl from "tweetnacl";
import { buildMemoSignInTransaction, MEMO_PROGRAM_ID, SIGN_IN_BLOCKHASH } from "@/lib/auth/memo-sign-in-tx";
import { isMessageSigningUnsupported } from "./memo-sign-in";

describe("memo sign-in transaction", () => {
  it("carries exactly the SIWS text in one memo, paid and signed by the account alone", () => {
    const kp = Keypair.generate();
    const text = `localhost wants you to sign in with your Solana account:\n${kp.publicKey.toBase58()}\n\nNonce: abc`;
    const tx = buildMemoSignInTransaction(kp.publicKey.toBase58(), text);
    tx.sign(kp);
    const wire = Transaction.from(tx.serialize());
    expect(wire.feePayer?.toBase58()).toBe(kp.publicKey.toBase58());
    expect(wire.recentBlockhash).toBe(SIGN_IN_BLOCKHASH);
    expect(wire.signatures).toHaveLength(1);
    expect(wire.instructions).toHaveLength(1);
    expect(wire.instructions[0]!.programId.equals(MEMO_PROGRAM_ID)).toBe(true);
    expect(wire.instructions[0]!.keys).toEqual([]);
    expect(new TextDecoder().decode(wire.instructions[0]!.data)).toBe(text);
    const message = wire.serializeMessage();
    expect(nacl.sign.detached.verify(message, wire.signature!, kp.publicKey.toBytes())).toBe(true);
    expect(message.length).toBeLessThan(1232);
  });
});

describe("isMessageSigningUnsupported", () => {
  it.each([
    "[unsupported] signing off chain messages with ledger is not yet supported",
    "Signing off-chain messages requires Solana Ledger App 1.8.0 or later",
    "Ledger does not support signing this message.",
    "signMessage is not supported by this wallet",
  ])("recognises %j", (message) => {
    expect(isMessageSigningUnsupported(new Error(message))).toBe(true);
  });

  it("recognises a method-not-found code", () => {
    expect(isMessageSigningUnsupported({ code: -32601, message: "Method not found" })).toBe(true);
  });

  it.each(["User rejected the request.", "Ledger: user denied the request", "Network error", ""])(
    "does not treat %j as unsupported",
    (message) => {
      expect(isMessageSigningUnsupported(new Error(message))).toBe(false);
    },
  );
});
