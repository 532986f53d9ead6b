// "Local test wallet": a Wallet Standard wallet that lives in the page, so a newcomer on the local
// cluster can sign in, take test tokens from the faucet, top up and create a key in any browser,
// without installing an extension. Its keypair sits in localStorage in plain text, which is only
// acceptable because it holds test money on a local cluster: gate.ts keeps this module out of
// devnet and mainnet builds and never loads it against a server that is not on localnet.
import { getWallets } from "@wallet-standard/app";
import type { Wallet, WalletAccount } from "@wallet-standard/base";
import type { SolanaSignInInput } from "@solana/wallet-standard-features";
import { createSignInMessageText } from "@solana/wallet-standard-util";
import { Connection, Keypair, Transaction, VersionedTransaction, type SendOptions } from "@solana/web3.js";
import bs58 from "bs58";
import nacl from "tweetnacl";
import { LOCAL_WALLET_NAME } from "./gate";

export const LOCAL_WALLET_STORAGE_KEY = "solrouter.localTestWallet";

// Whatever chain the app names, this wallet only ever talks to the local cluster it was given.
const CHAINS = ["solana:localnet", "solana:devnet", "solana:testnet", "solana:mainnet"] as const;
const FEATURES = [
  "solana:signIn",
  "solana:signMessage",
  "solana:signTransaction",
  "solana:signAndSendTransaction",
] as const;

const ICON = `data:image/svg+xml;base64,${btoa(
  '<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32" viewBox="0 0 32 32">' +
    '<rect width="32" height="32" rx="8" fill="#b45309"/>' +
    '<path d="M9 12h14v11H9z" fill="none" stroke="#fff" stroke-width="2"/>' +
    '<path d="M12 12V9h8v3" fill="none" stroke="#fff" stroke-width="2"/>' +
    "</svg>",
)}` as const;

type Listener = (properties: { accounts?: readonly WalletAccount[] }) => void;

/** The keypair of this browser's test wallet, created on first use. */
export function loadOrCreateKeypair(storage: Storage = localStorage): Keypair {
  const saved = storage.getItem(LOCAL_WALLET_STORAGE_KEY);
  if (saved) {
    try {
      return Keypair.fromSecretKey(bs58.decode(saved));
    } catch {
      // A damaged entry only ever held test money: start over with a fresh key.
    }
  }
  const keypair = Keypair.generate();
  storage.setItem(LOCAL_WALLET_STORAGE_KEY, bs58.encode(keypair.secretKey));
  return keypair;
}

export function createLocalTestWallet(rpcUrl: string, keypair: Keypair = loadOrCreateKeypair()): Wallet {
  const account: WalletAccount = Object.freeze({
    address: keypair.publicKey.toBase58(),
    publicKey: keypair.publicKey.toBytes(),
    chains: CHAINS,
    features: FEATURES,
    label: "Test money only",
  });
  let accounts: readonly WalletAccount[] = [];
  const listeners = new Set<Listener>();
  const setAccounts = (next: readonly WalletAccount[]) => {
    accounts = next;
    for (const listener of [...listeners]) listener({ accounts });
  };
  const connectLocally = () => {
    if (!accounts.length) setAccounts([account]);
  };
  const requireAccount = (requested: WalletAccount) => {
    if (requested.address !== account.address) throw new Error(`Unknown account ${requested.address}`);
    if (!accounts.length) throw Object.assign(new Error("The site is not connected to this wallet."), { code: 4100 });
  };
  const sign = (message: Uint8Array) => nacl.sign.detached(message, keypair.secretKey);
  const signTx = (bytes: Uint8Array) => signTransactionBytes(bytes, keypair);
  const connection = new Connection(rpcUrl, "confirmed");

  const features = {
    "standard:connect": {
      version: "1.0.0",
      // No prompt: the page itself holds the key. Silent connects answer the same way.
      connect: async () => {
        connectLocally();
        return { accounts };
      },
    },
    "standard:disconnect": { version: "1.0.0", disconnect: async () => setAccounts([]) },
    "standard:events": {
      version: "1.0.0",
      on: (event: string, listener: Listener) => {
        if (event !== "change") return () => {};
        listeners.add(listener);
        return () => void listeners.delete(listener);
      },
    },
    "solana:signIn": {
      version: "1.0.0",
      signIn: async (...inputs: SolanaSignInInput[]) =>
        (inputs.length ? inputs : [{}]).map((input) => {
          if (input.address !== undefined && input.address !== account.address)
            throw new Error(`Sign-in requested for ${input.address}, this wallet holds ${account.address}`);
          const text = createSignInMessageText({
            ...input,
            domain: input.domain ?? window.location.host,
            address: account.address,
          });
          const signedMessage = new TextEncoder().encode(text);
          connectLocally();
          return { account, signedMessage, signature: sign(signedMessage), signatureType: "ed25519" as const };
        }),
    },
    "solana:signMessage": {
      version: "1.1.0",
      signMessage: async (...inputs: { account: WalletAccount; message: Uint8Array }[]) =>
        inputs.map(({ account: a, message }) => {
          requireAccount(a);
          return { signedMessage: message, signature: sign(message), signatureType: "ed25519" as const };
        }),
    },
    "solana:signTransaction": {
      version: "1.0.0",
      supportedTransactionVersions: ["legacy", 0],
      signTransaction: async (...inputs: { account: WalletAccount; transaction: Uint8Array }[]) =>
        inputs.map(({ account: a, transaction }) => {
          requireAccount(a);
          return { signedTransaction: signTx(transaction) };
        }),
    },
    "solana:signAndSendTransaction": {
      version: "1.0.0",
      supportedTransactionVersions: ["legacy", 0],
      signAndSendTransaction: async (
        ...inputs: { account: WalletAccount; transaction: Uint8Array; options?: SendOptions }[]
      ) => {
        const outputs = [];
        for (const { account: a, transaction, options } of inputs) {
          requireAccount(a);
          const signature = await connection.sendRawTransaction(signTx(transaction), {
            skipPreflight: options?.skipPreflight,
            preflightCommitment: options?.preflightCommitment,
            maxRetries: options?.maxRetries,
          });
          outputs.push({ signature: bs58.decode(signature) });
        }
        return outputs;
      },
    },
  };

  return {
    version: "1.0.0",
    name: LOCAL_WALLET_NAME,
    icon: ICON,
    chains: CHAINS,
    features,
    get accounts() {
      return accounts;
    },
  };
}

/** Signs a serialized legacy or v0 transaction as its fee payer, keeping other signatures. */
export function signTransactionBytes(bytes: Uint8Array, keypair: Keypair): Uint8Array {
  const versioned = VersionedTransaction.deserialize(bytes);
  if (versioned.version !== "legacy") {
    versioned.sign([keypair]);
    return versioned.serialize();
  }
  // Legacy goes through Transaction so the bytes round-trip exactly as web3.js apps expect.
  const legacy = Transaction.from(bytes);
  legacy.partialSign(keypair);
  return new Uint8Array(legacy.serialize({ requireAllSignatures: false, verifySignatures: false }));
}

let unregister: (() => void) | null = null;

/** Registers the wallet once per page; later calls are no-ops. */
export function registerLocalTestWallet(rpcUrl: string): void {
  if (unregister) return;
  unregister = getWallets().register(createLocalTestWallet(rpcUrl));
}
