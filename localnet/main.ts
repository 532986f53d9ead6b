import path from "node:path";
import { parseArgs } from "node:util";
import { startLocalnet } from "./server";

const USAGE = `Usage: tsx localnet/main.ts [--port N] [--data-dir DIR] [--host H] [--quiet]
  --port      HTTP JSON-RPC port (env LOCALNET_PORT, default 8899); WebSocket on port+1; 0 = free ports
  --data-dir  state directory (env LOCALNET_DATA_DIR, default \${DATA_DIR:-.data}/localnet)
  --exit-with-stdin  shut down when stdin closes (spawn.ts uses it so a dead parent leaves no orphan)
Prints one JSON line {rpcUrl, wsUrl, usdcMint, routerMint, treasury} to stdout when ready.`;

async function main(): Promise<void> {
  // A vanished parent leaves broken pipes; EPIPE on a log write must not abort the shutdown that follows.
  for (const stream of [process.stdout, process.stderr]) stream.on("error", () => {});
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      "data-dir": { type: "string" },
      host: { type: "string" },
      quiet: { type: "boolean" },
      "exit-with-stdin": { type: "boolean" },
      help: { type: "boolean" },
    },
  });
  if (values.help) {
    process.stderr.write(`${USAGE}\n`);
    return;
  }
  const portText = values.port ?? process.env.LOCALNET_PORT ?? "8899";
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65534) throw new Error(`invalid port: ${portText}`);
  const dataDir =
    values["data-dir"] ?? process.env.LOCALNET_DATA_DIR ?? path.join(process.env.DATA_DIR ?? ".data", "localnet");

  const localnet = await startLocalnet({
    port,
    dataDir,
    host: values.host ?? process.env.LOCALNET_HOST,
    quiet: values.quiet,
  });
  process.stdout.write(`${JSON.stringify(localnet.info)}\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`localnet: ${signal}, shutting down\n`);
    localnet.close().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`localnet: shutdown failed: ${String(e)}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  if (values["exit-with-stdin"]) {
    process.stdin.on("close", () => stop("stdin closed"));
    process.stdin.resume();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`localnet: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
