import { describe, expect, it } from "vitest";
import { browseLinks, isMobileBrowser, supportsMobileWalletAdapter } from "./mobile";

const PIXEL =
  "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";
const IPHONE =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";
const ANDROID_WEBVIEW =
  "Mozilla/5.0 (Linux; Android 14; Pixel 7; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/131.0.0.0 Mobile Safari/537.36";
const DESKTOP = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

describe("mobile wallets", () => {
  it("tells phones from desktops", () => {
    expect(isMobileBrowser(PIXEL)).toBe(true);
    expect(isMobileBrowser(IPHONE)).toBe(true);
    expect(isMobileBrowser(DESKTOP)).toBe(false);
  });

  it("offers the Mobile Wallet Adapter only in Android browsers, not in in-app WebViews or on iOS", () => {
    expect(supportsMobileWalletAdapter(PIXEL)).toBe(true);
    expect(supportsMobileWalletAdapter(ANDROID_WEBVIEW)).toBe(false);
    expect(supportsMobileWalletAdapter(IPHONE)).toBe(false);
    expect(supportsMobileWalletAdapter(DESKTOP)).toBe(false);
  });

  it("builds each wallet's browse link to the current page with the origin as ref, both encoded", () => {
    const page = "https://solrouter.example/billing?next=/keys&x=a b";
    const enc = encodeURIComponent(page);
    const ref = encodeURIComponent("https://solrouter.example");
    expect(browseLinks(page)).toEqual([
      { wallet: "Phantom", href: `https://phantom.app/ul/browse/${enc}?ref=${ref}` },
      { wallet: "Solflare", href: `https://solflare.com/ul/v1/browse/${enc}?ref=${ref}` },
      { wallet: "Backpack", href: `https://backpack.app/ul/v1/browse/${enc}?ref=${ref}` },
    ]);
    for (const { href } of browseLinks(page)) {
      expect(href).not.toContain(" ");
      expect(href.split("?")).toHaveLength(2);
    }
  });
});
