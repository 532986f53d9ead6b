// Sign-in for wallets that cannot sign an off-chain message (Ledger, through any wallet app, and
// wallets without solana:signMessage): the wallet signs a transaction whose only instruction is a
// Memo carrying the very same SIWS text, and the server checks it like a signed message and never
// submits it (contract: "Sign in without signMessage"). That transaction is built by
// buildMemoSignInTransaction in lib/auth/memo-sign-in-tx.ts, the one layout browser and server share;
// this file only tells when a wallet needs it.

/**
 * True when a wallet's message signing failed because the signer cannot sign off-chain messages,
 * rather than because the user declined. Seen in the wild: Ledger through wallet apps answers
 * "[unsupported] signing off chain messages with ledger is not yet supported" (wallet-adapter
 * #800), the Ledger adapter "Signing off-chain messages requires Solana Ledger App 1.8.0 or later"
 * and "Ledger does not support signing this message…" (wallet-adapter #1094), others a plain
 * "not supported" or a method-not-found JSON-RPC code (-32601).
 */
export function isMessageSigningUnsupported(err: unknown): boolean {
  const e = err as { message?: unknown; code?: unknown; error?: { code?: unknown; message?: unknown } } | null;
  const code = e?.code ?? e?.error?.code;
  if (code === -32601) return true;
  const text = `${String(e?.message ?? "")} ${String(e?.error?.message ?? "")}`.toLowerCase();
  if (/reject|denied|declined|cancel/.test(text)) return false;
  return /ledger|off[- ]?chain message|not (yet )?supported|unsupported|not implemented/.test(text);
}
