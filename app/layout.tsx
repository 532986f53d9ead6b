import type { Metadata, Viewport } from "next";
import { publicOrigin } from "@/lib/env";
import "./globals.css";

const metadata: Metadata = {
  title: { default: "Solrouter — LLM calls paid from your Solana wallet", template: "%s · Solrouter" },
  description:
    "Pay-per-call LLM API. No sign-up: connect a Solana wallet, top up with USDC or $ROUTER, get an API key.",
};

// The Open Graph image's absolute URL is built on metadataBase: without it Next uses
// http://localhost, and a shared link would show no card.
export function generateMetadata(): Metadata {
  const origin = publicOrigin();
  return origin ? { ...metadata, metadataBase: new URL(origin) } : metadata;
}

export const viewport: Viewport = {
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#fafafa" },
    { media: "(prefers-color-scheme: dark)", color: "#09090b" },
  ],
};

// Runs before first paint so a dark-mode user never sees a white flash.
const themeScript = `try{var t=localStorage.getItem("theme");if(t==="dark"||(t!=="light"&&matchMedia("(prefers-color-scheme: dark)").matches))document.documentElement.classList.add("dark")}catch(e){}`;

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: themeScript }} />
      </head>
      <body className="min-h-screen font-sans">
        <a
          href="#main"
          className="sr-only z-50 rounded-md bg-white px-3 py-2 text-sm font-medium text-zinc-900 shadow focus:not-sr-only focus:fixed focus:left-3 focus:top-3 dark:bg-zinc-900 dark:text-zinc-100"
        >
          Skip to content
        </a>
        {children}
      </body>
    </html>
  );
}
