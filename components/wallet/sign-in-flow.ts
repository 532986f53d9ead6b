import type {
  Adapter,
  MessageSignerWalletAdapter,
  SignerWalletAdapter,
  SignInMessageSignerWalletAdapter,
} from "@solana/wallet-adapter-base";
import { createSignInMessageText } from "@/lib/auth/siws-message";
import type { ChallengeResponse, VerifyBody, VerifyResponse } from "@/lib/auth/schemas";
import type { Wire } from "@/lib/wire";
import { ApiError, apiFetch } from "@/components/api";
import { buildMemoSignInTransaction } from "@/lib/auth/memo-sign-in-tx";
import { isMessageSigningUnsupported } from "./memo-sign-in";
import { isRejection } from "./wallet-errors";

// Browser side of Sign In With Solana: one prompt with solana:signIn, else connect + signMessage
// of the very same standard message text, else a memo-only transaction carrying it.

export class SignInFailure extends Error {
  constructor(
    message: string,
    readonly retryable = true,
  ) {
    super(message);
  }
}

const toB64 = (b: Uint8Array) => btoa(String.fromCharCode(...b));

/** The dashboard's fetch (components/api.ts), with the server's refusals as SignInFailures. */
async function api<T>(path: string, init?: Parameters<typeof apiFetch>[1]): Promise<T> {
  try {
    return await apiFetch<T>(path, init);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (err.code === "message_expired" || err.code === "nonce_unknown" || err.code === "nonce_used")
      throw new SignInFailure("The sign-in request expired before it was signed. Please try again.");
    throw new SignInFailure(
      err.code === "http_error" ? `The server answered ${err.status}. Please try again.` : err.message,
    );
  }
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

export type SignInMethod = "signIn" | "signMessage" | "transaction";

type Proof = Wire<typeof VerifyBody>;

const hasSignIn = (a: Adapter): a is SignInMessageSignerWalletAdapter =>
  "signIn" in a && typeof (a as SignInMessageSignerWalletAdapter).signIn === "function";
const hasSignMessage = (a: Adapter): a is MessageSignerWalletAdapter =>
  "signMessage" in a && typeof (a as MessageSignerWalletAdapter).signMessage === "function";
const hasSignTransaction = (a: Adapter): a is SignerWalletAdapter =>
  "signTransaction" in a && typeof (a as SignerWalletAdapter).signTransaction === "function";

/**
 * Signs in with the best the wallet offers: one prompt with solana:signIn; else connect and
 * signMessage of the same standard text; else (no signMessage, or message signing refused the way
 * Ledger refuses it) a memo-only transaction carrying that text, which the server never submits.
 * `onMethod` tells the UI which prompt the user is about to see.
 */
export async function signInWithWallet(
  adapter: Adapter,
  onMethod: (method: SignInMethod) => void = () => {},
): Promise<{ wallet: string; method: SignInMethod }> {
  try {
    const { proof, method } = await prove(adapter, onMethod);
    const res = await api<Wire<typeof VerifyResponse>>("/api/auth/verify", { method: "POST", json: proof });
    return { ...res, method };
  } catch (err) {
    throw walletError(err, adapter.name);
  }
}

async function prove(
  adapter: Adapter,
  onMethod: (method: SignInMethod) => void,
): Promise<{ proof: Proof; method: SignInMethod }> {
  // Set when the wallet has shown it cannot sign messages: no second doomed prompt.
  let messagesRefused = false;
  if (hasSignIn(adapter)) {
    onMethod("signIn");
    try {
      const { input } = await api<Wire<typeof ChallengeResponse>>("/api/auth/challenge");
      const out = await adapter.signIn(input);
      const account = { address: out.account.address, publicKey: toB64(new Uint8Array(out.account.publicKey)) };
      const output = { account, signedMessage: toB64(out.signedMessage), signature: toB64(out.signature) };
      return { proof: { output }, method: "signIn" };
    } catch (err) {
      // Whether it can sign transactions instead is only known once connected.
      if (!isMessageSigningUnsupported(err)) throw err;
      messagesRefused = true;
    }
  }
  // A standard adapter exposes signMessage and signTransaction only once an account is connected.
  if (!adapter.connected) await adapter.connect();
  const pk = adapter.publicKey;
  if (!pk) throw new SignInFailure(`${adapter.name} did not share an account.`);
  const address = pk.toBase58();
  const account = { address, publicKey: toB64(pk.toBytes()) };
  const { input } = await api<Wire<typeof ChallengeResponse>>(`/api/auth/challenge?address=${address}`);
  const text = createSignInMessageText({ ...input, address });
  if (hasSignMessage(adapter) && !messagesRefused) {
    onMethod("signMessage");
    try {
      const signedMessage = new TextEncoder().encode(text);
      const signature = await adapter.signMessage(signedMessage);
      return {
        proof: { output: { account, signedMessage: toB64(signedMessage), signature: toB64(signature) } },
        method: "signMessage",
      };
    } catch (err) {
      if (!isMessageSigningUnsupported(err) || !hasSignTransaction(adapter)) throw err;
    }
  }
  if (!hasSignTransaction(adapter))
    throw new SignInFailure(
      `${adapter.name} can sign neither messages nor transactions here, so it cannot sign in.`,
      false,
    );
  onMethod("transaction");
  const signed = await adapter.signTransaction(buildMemoSignInTransaction(address, text));
  return { proof: { transaction: toB64(signed.serialize()), account }, method: "transaction" };
}
