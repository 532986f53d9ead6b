// Phones: no extension is ever injected into a mobile browser. Two ways in instead:
// - reopen this page inside a wallet app's own browser, where the wallet is injected, through
//   each wallet's documented "browse" deep link;
// - on Android, the Mobile Wallet Adapter, which hands signing to a wallet app on the phone.

export const MOBILE_UA = /Android|iPhone|iPad|iPod|Mobile/i;

export function isMobileBrowser(userAgent: string): boolean {
  return MOBILE_UA.test(userAgent);
}

/** Android, outside an in-app WebView: where MWA's local association works. */
export function supportsMobileWalletAdapter(userAgent: string): boolean {
  const webView =
    /(WebView|Version\/.+(Chrome)\/(\d+)\.(\d+)\.(\d+)\.(\d+)|; wv\).+(Chrome)\/(\d+)\.(\d+)\.(\d+)\.(\d+))/i;
  return /android/i.test(userAgent) && !webView.test(userAgent);
}

export interface BrowseLink {
  wallet: "Phantom" | "Solflare" | "Backpack";
  href: string;
}

/**
 * Deep links that open `pageUrl` in each wallet's in-app browser. Both parameters URL-encoded:
 * - Phantom: https://phantom.app/ul/browse/<url>?ref=<ref>
 *   (docs.phantom.com/phantom-deeplinks/other-methods/browse; url and ref both required)
 * - Solflare: https://solflare.com/ul/v1/browse/<url>?ref=<ref>
 *   (docs.solflare.com/solflare/technical/deeplinks/other-methods/browse)
 * - Backpack: https://backpack.app/ul/v1/browse/<url>?ref=<ref>
 *   (docs.backpack.app/deeplinks/other-methods/browse)
 */
export function browseLinks(pageUrl: string): BrowseLink[] {
  const url = encodeURIComponent(pageUrl);
  const ref = encodeURIComponent(new URL(pageUrl).origin);
  return [
    { wallet: "Phantom", href: `https://phantom.app/ul/browse/${url}?ref=${ref}` },
    { wallet: "Solflare", href: `https://solflare.com/ul/v1/browse/${url}?ref=${ref}` },
    { wallet: "Backpack", href: `https://backpack.app/ul/v1/browse/${url}?ref=${ref}` },
  ];
}

const CHAIN: Record<string, `solana:${string}`> = {
  "mainnet-beta": "solana:mainnet",
  devnet: "solana:devnet",
  localnet: "solana:localnet",
};

let mwa: Promise<void> | null = null;

/**
 * Registers the Mobile Wallet Adapter as a Wallet Standard wallet (once per page, Android only;
 * the package itself also refuses outside a secure context). Loaded on demand: desktop and
 * iPhone visitors never download it.
 */
export function ensureMobileWalletAdapter(cluster: string | undefined): Promise<void> {
  if (typeof navigator === "undefined" || !supportsMobileWalletAdapter(navigator.userAgent)) return Promise.resolve();
  mwa ??= import("@solana-mobile/wallet-standard-mobile")
    .then((m) =>
      m.registerMwa({
        appIdentity: { name: "Solrouter", uri: window.location.origin, icon: "/favicon.ico" },
        authorizationCache: m.createDefaultAuthorizationCache(),
        chains: [CHAIN[cluster ?? ""] ?? "solana:mainnet"],
        chainSelector: m.createDefaultChainSelector(),
        onWalletNotFound: m.createDefaultWalletNotFoundHandler(),
      }),
    )
    .catch(() => {
      mwa = null;
    });
  return mwa;
}
