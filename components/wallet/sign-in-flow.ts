import type { Adapter, MessageSignerWalletAdapter, SignInMessageSignerWalletAdapter } from "@solana/wallet-adapter-base";
import { createSignInMessageText, type SignInInput } from "@/lib/auth/siws-message";

// Browser side of Sign In With Solana: one prompt with solana:signIn, else connect + signMessage
// of the very same standard message text.

export class SignInFailure extends Error {
  constructor(message: string, readonly retryable = true) {
    super(message);
  }
}

const toB64 = (b: Uint8Array) => btoa(String.fromCharCode(...b));

async function api<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(path, { ...init, headers: { "content-type": "application/json", ...init?.headers }, credentials: "same-origin" });
  const body = (await res.json().catch(() => ({}))) as T & { error?: { code: string; message: string } };
  if (!res.ok) {
    const code = body.error?.code;
    if (code === "message_expired" || code === "nonce_unknown" || code === "nonce_used")
      throw new SignInFailure("The sign-in request expired before it was signed. Please try again.");
    throw new SignInFailure(body.error?.message ?? `The server answered ${res.status}. Please try again.`);
  }
  return body;
}

function isRejection(err: unknown): boolean {
  const e = err as { message?: string; code?: number; error?: { code?: number }; name?: string };
  const msg = `${e?.message ?? ""} ${String((e as { error?: unknown })?.error ?? "")}`.toLowerCase();
  return e?.code === 4001 || e?.error?.code === 4001 || /reject|denied|declined|cancel/.test(msg);
}

function walletError(err: unknown, walletName: string): SignInFailure {
  if (err instanceof SignInFailure) return err;
  if (isRejection(err)) return new SignInFailure("You declined the request in your wallet. Nothing was signed.");
  const name = (err as { name?: string })?.name ?? "";
  if (name === "WalletNotReadyError") return new SignInFailure(`${walletName} is not available in this browser.`);
  if (name.startsWith("WalletDisconnect") || /disconnect/i.test(String((err as Error)?.message)))
    return new SignInFailure(`${walletName} disconnected before signing. Please try again.`);
  return new SignInFailure(`${walletName} could not sign in: ${(err as Error)?.message || "unknown error"}.`);
}

export async function signInWithWallet(adapter: Adapter): Promise<{ wallet: string }> {
  try {
    let output: { address: string; publicKey: Uint8Array; signedMessage: Uint8Array; signature: Uint8Array };
    if ("signIn" in adapter && typeof (adapter as SignInMessageSignerWalletAdapter).signIn === "function") {
      const { input } = await api<{ input: SignInInput }>("/api/auth/challenge");
      const out = await (adapter as SignInMessageSignerWalletAdapter).signIn(input);
      output = { address: out.account.address, publicKey: new Uint8Array(out.account.publicKey), signedMessage: out.signedMessage, signature: out.signature };
    } else {
      // A standard adapter exposes signMessage only once an account is connected.
      if (!adapter.connected) await adapter.connect();
      const pk = adapter.publicKey;
      if (!pk) throw new SignInFailure(`${adapter.name} did not share an account.`);
      if (!("signMessage" in adapter)) throw new SignInFailure(`${adapter.name} cannot sign messages, so it cannot sign in.`, false);
      const { input } = await api<{ input: SignInInput }>(`/api/auth/challenge?address=${pk.toBase58()}`);
      const signedMessage = new TextEncoder().encode(createSignInMessageText({ ...input, address: pk.toBase58() }));
      const signature = await (adapter as MessageSignerWalletAdapter).signMessage(signedMessage);
      output = { address: pk.toBase58(), publicKey: pk.toBytes(), signedMessage, signature };
    }
    return await api<{ wallet: string }>("/api/auth/verify", {
      method: "POST",
      body: JSON.stringify({
        output: {
          account: { address: output.address, publicKey: toB64(output.publicKey) },
          signedMessage: toB64(output.signedMessage),
          signature: toB64(output.signature),
        },
      }),
    });
  } catch (err) {
    throw walletError(err, adapter.name);
  }
}
