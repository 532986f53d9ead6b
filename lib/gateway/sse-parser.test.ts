import { describe, expect, it } from "vitest";
import { SseParser } from "./sse-parser";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("SseParser", () => {
  it("parses events, skips comments and joins multi-line data", () => {
    const p = new SseParser();
    expect(p.push(': keep-alive\n\ndata: {"a":1}\n\nevent: error\ndata: one\ndata: two\n\n')).toEqual([
      { event: "message", data: '{"a":1}' },
      { event: "error", data: "one\ntwo" },
    ]);
  });

  it("gives the same events whatever the chunk boundaries and line endings (LF, CRLF, CR)", () => {
    const text = 'data: {"x":"é"}\r\n\r\n: c\rdata:no-space\r\rid: 7\nretry: 10\ndata: [DONE]\n\n';
    const expected = [
      { event: "message", data: '{"x":"é"}' },
      { event: "message", data: "no-space" },
      { event: "message", data: "[DONE]" },
    ];
    const all = bytes(text);
    expect(new SseParser().push(all)).toEqual(expected);
    // Every split point, including inside the CRLF and inside the two bytes of "é".
    for (let i = 1; i < all.length; i++) {
      const p = new SseParser();
      expect([...p.push(all.slice(0, i)), ...p.push(all.slice(i)), ...p.end()]).toEqual(expected);
    }
    // One byte at a time.
    const p = new SseParser();
    const got = [];
    for (const b of all) got.push(...p.push(new Uint8Array([b])));
    expect(got).toEqual(expected);
  });

  it("waits for the blank line that ends an event, and drops an unterminated one at the end", () => {
    const p = new SseParser();
    expect(p.push("data: half")).toEqual([]);
    expect(p.push("\n")).toEqual([]);
    expect(p.push("\n")).toEqual([{ event: "message", data: "half" }]);
    expect(p.push("data: never ended\n")).toEqual([]);
    expect(p.end()).toEqual([]);
  });
});
