export async function register() {
  // NEXT_RUNTIME is a build-time constant that Next substitutes: written literally here it lets
  // the bundler drop the Node-only boot code from the edge bundle. It is not configuration.
  if (process.env.NEXT_RUNTIME === "nodejs") {
    // First, so that every request's socket address is known to rate limits (lib/http/peer.ts).
    const { installPeerCapture } = await import("./lib/http/peer");
    installPeerCapture();
    const { boot } = await import("./lib/boot");
    await boot();
  }
}
