// Portkey's open-source AI gateway (@portkey-ai/gateway) as a bench peer: its own process,
// forwarding OpenAI chat completions, unauthenticated and unmetered, to the given model server.
import { spawn } from "node:child_process";

export interface Portkey {
  url: string;
  /** Headers that route a request through Portkey to `modelUrl` (provider openai, custom host). */
  headers: Record<string, string>;
  stop(): Promise<void>;
}

export async function startPortkey(port: number, modelUrl: string): Promise<Portkey> {
  // `--port=N` (the bin ignores `--port N`); `--headless` skips its console UI. The shim works around
  // a streaming failure with the installed @hono/node-server (see portkey-fetch-shim.mjs).
  const child = spawn(
    process.execPath,
    [
      "--import",
      "./bench/lib/portkey-fetch-shim.mjs",
      "node_modules/@portkey-ai/gateway/build/start-server.js",
      `--port=${port}`,
      "--headless",
    ],
    { env: { ...process.env, NODE_ENV: "production" }, stdio: ["ignore", "ignore", "inherit"] },
  );
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      await fetch(url);
      break;
    } catch {}
    if (i > 150 || child.exitCode !== null) {
      child.kill("SIGTERM");
      throw new Error("Portkey gateway did not start");
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    headers: {
      "content-type": "application/json",
      authorization: "Bearer unused",
      "x-portkey-provider": "openai",
      "x-portkey-custom-host": `${modelUrl}/v1`,
    },
    async stop() {
      child.kill("SIGTERM");
      if (child.exitCode === null) await new Promise((r) => child.once("exit", r));
    },
  };
}
