const isDev = process.env.NODE_ENV !== "production";

// Static security headers for every response. HSTS is ignored by browsers over plain http,
// so sending it unconditionally is safe and keeps https deployments covered.
const csp = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline'${isDev ? " 'unsafe-eval'" : ""}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  // Wallet RPC endpoints are configurable (local cluster, devnet, mainnet providers).
  "connect-src 'self' https: wss: http://127.0.0.1:* ws://127.0.0.1:* http://localhost:* ws://localhost:*",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "object-src 'none'",
].join("; ");

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // Lets several builds (e.g. parallel e2e runs) live side by side; the default is .next.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  poweredByHeader: false,
  // The cluster this build is for, inlined into client code: devnet and mainnet builds fold the
  // local test wallet's import away (components/wallet/local-wallet/gate.ts). Same default as lib/env.ts.
  env: { SOLROUTER_BUILD_CLUSTER: process.env.SOLANA_CLUSTER || "localnet" },
  // API routes write their own JSON access line (lib/http/handler.ts): Next's dev line would repeat it.
  logging: { incomingRequests: { ignore: [/^\/(api|v1|agent)(\/|\?|$)/] } },
  serverExternalPackages: ["@electric-sql/pglite", "pino", "pg", "litesvm"],
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "Content-Security-Policy", value: csp },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" },
          { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
        ],
      },
    ];
  },
};

export default nextConfig;
