import http from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON; strings are sent verbatim. */
  body?: string | object;
  /** Wait before answering, to exercise client timeouts. */
  delayMs?: number;
  /** Drop the connection without answering, to simulate a network failure mid-request. */
  destroy?: boolean;
}

export type Handler = (req: RecordedRequest, index: number) => Reply | Promise<Reply>;

export interface MockServer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** A throwaway HTTP server on 127.0.0.1 with a random port that records every request it sees. */
export async function startMockServer(handler: Handler): Promise<MockServer> {
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      const recorded: RecordedRequest = {
        method: req.method ?? "GET",
        path: req.url ?? "/",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(recorded);
      try {
        const reply = await handler(recorded, requests.length - 1);
        if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
        if (res.destroyed) return;
        if (reply.destroy) {
          req.socket.destroy();
          return;
        }
        const isJson = typeof reply.body === "object";
        const payload = reply.body === undefined ? "" : isJson ? JSON.stringify(reply.body) : String(reply.body);
        res.writeHead(reply.status, {
          ...(isJson ? { "content-type": "application/json" } : {}),
          ...reply.headers,
        });
        res.end(payload);
      } catch (error) {
        res.writeHead(500, { "content-type": "text/plain" });
        res.end(`mock handler failed: ${String(error)}`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The contract's error envelope. */
export function errorBody(code: string, message = `${code} happened`) {
  return { error: { code, message } };
}
