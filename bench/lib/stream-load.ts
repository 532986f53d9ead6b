// Closed-loop load for streamed chat completions: N concurrent loops for a fixed time, each
// timing the first content token (TTFT) and the whole stream.
import http from "node:http";
import { closedLoop, percentile } from "./load";

export interface StreamLoadResult {
  rps: number;
  ttftP50: number;
  ttftP99: number;
  totalP50: number;
  errors: number;
}

// The first delta that carries text; role-only deltas ("content":"") and keep-alives do not count.
const FIRST_TOKEN = /"content":"[^"]/;

export async function streamLoad(opts: {
  url: string;
  headers?: Record<string, string>;
  body: string;
  concurrency: number;
  seconds: number;
}): Promise<StreamLoadResult> {
  const u = new URL(opts.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const ttft: number[] = [];
  const total: number[] = [];
  let errors = 0;
  const end = performance.now() + opts.seconds * 1000;
  const one = () =>
    new Promise<void>((resolve) => {
      const t0 = performance.now();
      let first: number | undefined;
      let seen = "";
      const req = http.request(
        { host: u.hostname, port: u.port, path: u.pathname, method: "POST", headers: opts.headers, agent },
        (res) => {
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => {
            if (first !== undefined) return;
            seen += chunk;
            if (FIRST_TOKEN.test(seen)) first = performance.now() - t0;
            else seen = seen.slice(-64);
          });
          res.on("end", () => {
            if ((res.statusCode ?? 500) >= 400 || first === undefined) errors++;
            else {
              ttft.push(first);
              total.push(performance.now() - t0);
            }
            resolve();
          });
        },
      );
      req.on("error", () => {
        errors++;
        resolve();
      });
      req.end(opts.body);
    });
  const elapsed = await closedLoop(opts.concurrency, end, one);
  agent.destroy();
  ttft.sort((a, b) => a - b);
  total.sort((a, b) => a - b);
  return {
    rps: total.length / elapsed,
    ttftP50: percentile(ttft, 50),
    ttftP99: percentile(ttft, 99),
    totalP50: percentile(total, 50),
    errors,
  };
}
