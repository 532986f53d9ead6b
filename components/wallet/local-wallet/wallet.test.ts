import { describe, expect, it } from "vitest";
import { Keypair, Transaction } from "@solana/web3.js";
import type { WalletAccount } from "@wallet-standard/base";
import nacl from "tweetnacl";
import { parseSignInMessageText } from "@/lib/auth/siws-message";
import { buildMemoSignInTransaction } from "@/lib/auth/memo-sign-in-tx";
import { LOCAL_WALLET_NAME } from "./gate";
import { createLocalTestWallet, LOCAL_WALLET_STORAGE_KEY, loadOrCreateKeypair } from "./wallet";

class MemoryStorage implements Storage {
  #m = new Map<string, string>();
  get length() {
    return this.#m.size;
  }
  clear = () => this.#m.clear();
  getItem = (k: string) => this.#m.get(k) ?? null;
  key = (i: number) => [...this.#m.keys()][i] ?? null;
  removeItem = (k: string) => void this.#m.delete(k);
  setItem = (k: string, v: string) => void this.#m.set(k, v);
}

// The features are called exactly as an app calls them through the Wallet Standard.
type Features = Record<string, Record<string, (...args: unknown[]) => Promise<unknown>>>;
const feature = (w: ReturnType<typeof createLocalTestWallet>, name: string) => (w.features as Features)[name]!;

describe("local test wallet", () => {
  it("keeps one keypair per browser", () => {
    const storage = new MemoryStorage();
    const a = loadOrCreateKeypair(storage);
    expect(storage.getItem(LOCAL_WALLET_STORAGE_KEY)).toBeTruthy();
    expect(loadOrCreateKeypair(storage).publicKey.toBase58()).toBe(a.publicKey.toBase58());
    storage.setItem(LOCAL_WALLET_STORAGE_KEY, "not base58 !");
    expect(loadOrCreateKeypair(storage).publicKey.toBase58()).not.toBe(a.publicKey.toBase58());
  });

  it("signs in with the standard SIWS text and a valid signature, and connects", async () => {
    const kp = Keypair.generate();
    const wallet = createLocalTestWallet("http://127.0.0.1:1", kp);
    expect(wallet.name).toBe(LOCAL_WALLET_NAME);
    expect(wallet.accounts).toHaveLength(0);
    const [out] = (await feature(wallet, "solana:signIn").signIn!({
      domain: "localhost:3000",
      statement: "Sign in to Solrouter",
      nonce: "abcdefgh12",
    })) as { account: WalletAccount; signedMessage: Uint8Array; signature: Uint8Array }[];
    const parsed = parseSignInMessageText(new TextDecoder().decode(out!.signedMessage));
    expect(parsed?.domain).toBe("localhost:3000");
    expect(parsed?.address).toBe(kp.publicKey.toBase58());
    expect(parsed?.nonce).toBe("abcdefgh12");
    expect(nacl.sign.detached.verify(out!.signedMessage, out!.signature, kp.publicKey.toBytes())).toBe(true);
    expect(wallet.accounts.map((a) => a.address)).toEqual([kp.publicKey.toBase58()]);
  });

  it("signs messages and transactions only once connected, and stops after disconnect", async () => {
    const kp = Keypair.generate();
    const wallet = createLocalTestWallet("http://127.0.0.1:1", kp);
    const changes: number[] = [];
    feature(wallet, "standard:events").on!("change", ((p: { accounts: unknown[] }) =>
      changes.push(p.accounts.length)) as never);
    const message = new TextEncoder().encode("hello");
    const account = { address: kp.publicKey.toBase58() } as WalletAccount;
    await expect(feature(wallet, "solana:signMessage").signMessage!({ account, message })).rejects.toThrow(
      "not connected",
    );

    const { accounts } = (await feature(wallet, "standard:connect").connect!()) as { accounts: WalletAccount[] };
    const [signed] = (await feature(wallet, "solana:signMessage").signMessage!({ account: accounts[0], message })) as {
      signature: Uint8Array;
    }[];
    expect(nacl.sign.detached.verify(message, signed!.signature, kp.publicKey.toBytes())).toBe(true);

    const tx = buildMemoSignInTransaction(kp.publicKey.toBase58(), "sign in");
    const unsigned = tx.serialize({ requireAllSignatures: false });
    const [out] = (await feature(wallet, "solana:signTransaction").signTransaction!({
      account: accounts[0],
      transaction: new Uint8Array(unsigned),
    })) as { signedTransaction: Uint8Array }[];
    const back = Transaction.from(out!.signedTransaction);
    expect(back.verifySignatures()).toBe(true);

    await feature(wallet, "standard:disconnect").disconnect!();
    expect(changes).toEqual([1, 0]);
    await expect(feature(wallet, "solana:signMessage").signMessage!({ account, message })).rejects.toThrow();
  });
});
