import { isRejection, walletErrorText } from "@/components/wallet/wallet-errors";

// Wallet and network failures in plain words, each saying whether trying again can help.
export { isRejection };
export interface Failure {
  title: string;
  message: string;
  retry: boolean;
}

const texts = walletErrorText;

function isExpiredBlockhash(err: unknown): boolean {
  return /blockhash not found|block height exceeded|expired/.test(texts(err));
}

export function describeWalletError(err: unknown, walletName: string): Failure {
  if (isRejection(err))
    return {
      title: "Signature declined",
      message: "You declined the transaction in your wallet. Nothing was sent.",
      retry: true,
    };
  if (isExpiredBlockhash(err))
    return {
      title: "The transaction expired",
      message: "It was not approved in time, so nothing was sent. Please try again.",
      retry: true,
    };
  const name = (err as { name?: string })?.name ?? "";
  if (name.startsWith("WalletNotConnected") || /disconnect/.test(texts(err))) {
    return {
      title: "Wallet disconnected",
      message: `${walletName} disconnected before signing. Reconnect it and try again.`,
      retry: true,
    };
  }
  return {
    title: "Your wallet could not sign",
    message: `${walletName} answered: ${(err as Error)?.message || "an unknown error"}. Nothing was sent.`,
    retry: true,
  };
}

export function describeSendError(err: unknown, token: string): Failure {
  const t = texts(err);
  if (isExpiredBlockhash(err))
    return {
      title: "The transaction expired",
      message: "It took too long to approve, so the network refused it. Nothing was sent. Please try again.",
      retry: true,
    };
  if (/insufficient funds|insufficient lamports/.test(t)) {
    return {
      title: `Not enough ${token} or SOL`,
      message: `The network says your wallet cannot cover this transfer and its fee. Add ${token} or a little SOL, then try again.`,
      retry: true,
    };
  }
  if (/failed to fetch|network|timeout|unreachable/.test(t)) {
    return {
      title: "The Solana network is not answering",
      message: "The transaction could not be sent. Check your connection and try again.",
      retry: true,
    };
  }
  return {
    title: "The network refused the transaction",
    message: "Nothing was sent. Please try again; if it keeps failing, try a smaller amount or another wallet.",
    retry: true,
  };
}
