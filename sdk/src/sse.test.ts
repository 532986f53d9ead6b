import { describe, expect, it } from "vitest";
import { sseData } from "./sse.js";

function streamOf(parts: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(c) {
      for (const p of parts) c.enqueue(p);
      c.close();
    },
  });
}

async function collect(parts: Uint8Array[]): Promise<string[]> {
  const out: string[] = [];
  for await (const d of sseData(streamOf(parts))) out.push(d);
  return out;
}

const text = ': keep-alive\n\ndata: {"a":"é"}\r\n\r\ndata:one\ndata: two\r\revent: x\nid: 1\ndata: [DONE]\n\n';
const expected = ['{"a":"é"}', "one\ntwo", "[DONE]"];

describe("sseData", () => {
  it("parses comments, LF / CRLF / CR line ends and multi-line data", async () => {
    expect(await collect([new TextEncoder().encode(text)])).toEqual(expected);
  });

  it("gives the same events however the bytes are split (even inside a UTF-8 character or a CRLF)", async () => {
    const bytes = new TextEncoder().encode(text);
    expect(await collect([...bytes].map((b) => Uint8Array.of(b)))).toEqual(expected);
    for (let cut = 1; cut < bytes.length; cut++)
      expect(await collect([bytes.slice(0, cut), bytes.slice(cut)])).toEqual(expected);
  });

  it("keeps a last event that lacks its blank line", async () => {
    expect(await collect([new TextEncoder().encode("data: a\n\ndata: b")])).toEqual(["a", "b"]);
  });

  it("cancels the body when the consumer stops early", async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode("data: 1\n\ndata: 2\n\n"));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const d of sseData(body)) if (d === "1") break;
    expect(cancelled).toBe(true);
  });
});
