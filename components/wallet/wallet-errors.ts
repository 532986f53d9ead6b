// Shared by the sign-in flow and the top-up flow. No server imports.

/** Where the wallet adapter remembers the chosen wallet; the sign-in dialog, the billing page's
 * providers (autoConnect) and sign-out must agree on it. */
export const WALLET_STORAGE_KEY = "solrouter.wallet";

/** Every message a wallet error carries (its own, a wrapped error's, a transaction's logs), lower-cased. */
export function walletErrorText(err: unknown): string {
  const e = err as {
    message?: string;
    error?: unknown;
    logs?: string[];
    transactionLogs?: string[];
  } | null;
  const inner = e?.error;
  const innerText = typeof inner === "string" ? inner : (inner as { message?: string } | undefined)?.message;
  return [e?.message, innerText, ...(e?.logs ?? []), ...(e?.transactionLogs ?? [])]
    .filter(Boolean)
    .join(" ")
    .toLowerCase();
}

/** The person declined in their wallet (EIP-1193 code 4001, or a wallet's own words for it). */
export function isRejection(err: unknown): boolean {
  const e = err as { code?: number; error?: { code?: number } } | null;
  return e?.code === 4001 || e?.error?.code === 4001 || /reject|denied|declined|cancel/.test(walletErrorText(err));
}
