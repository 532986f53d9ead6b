import { describe, expect, it } from "vitest";
import { SendTransactionError } from "@solana/web3.js";
import { describeSendError, describeWalletError, isRejection } from "./top-up-errors";

describe("top-up failures in plain words", () => {
  it("recognises a declined signature however the wallet words it", () => {
    expect(isRejection(Object.assign(new Error("User rejected the request."), { code: 4001 }))).toBe(true);
    expect(isRejection({ name: "WalletSignTransactionError", message: "", error: { code: 4001 } })).toBe(true);
    expect(isRejection(new Error("Transaction cancelled"))).toBe(true);
    expect(isRejection(new Error("Something else"))).toBe(false);
    expect(describeWalletError(new Error("User rejected the request."), "Phantom")).toMatchObject({
      title: "Signature declined",
      retry: true,
    });
    expect(describeWalletError(new Error("boom"), "Phantom").message).toBe("Phantom answered: boom. Nothing was sent.");
  });

  it("tells an expired blockhash and missing funds apart from other refusals", () => {
    const expired = new SendTransactionError({
      action: "send",
      signature: "",
      transactionMessage: "Transaction simulation failed: Blockhash not found",
      logs: [],
    });
    expect(describeSendError(expired, "USDC")).toMatchObject({ title: "The transaction expired", retry: true });
    const broke = new SendTransactionError({
      action: "simulate",
      signature: "",
      transactionMessage: "Transaction simulation failed: Error processing Instruction 1: custom program error: 0x1",
      logs: ["Program log: Error: insufficient funds"],
    });
    expect(describeSendError(broke, "USDC").title).toBe("Not enough USDC or SOL");
    expect(describeSendError(new TypeError("Failed to fetch"), "USDC").title).toBe(
      "The Solana network is not answering",
    );
    expect(describeSendError(new Error("weird"), "USDC").title).toBe("The network refused the transaction");
  });
});
