// The stand-in model server (lib/test/mock-model.ts) as a command, for `npm run dev`, the e2e
// server and the chaos suite: npx tsx scripts/mock-model.ts [port] [ms between streamed tokens]
import { startMockModel } from "../lib/test/mock-model";

export { splitTokens, startMockModel } from "../lib/test/mock-model";
export type { ClosedStream, MockModel, MockModelOptions } from "../lib/test/mock-model";

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.argv[2] ?? 11434);
  startMockModel(port, { tokenDelayMs: Number(process.argv[3] ?? 0) }).then((m) =>
    console.log(JSON.stringify({ upstreamUrl: m.url, standIn: true })),
  );
}
