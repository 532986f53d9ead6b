// An incremental Server-Sent Events parser (the WHATWG rules we need): bytes arrive in arbitrary
// pieces, lines end in LF, CRLF or CR, ":" lines are comments, "data:" lines of one event are
// joined with "\n", and an event ends at a blank line. Fields other than event/data are ignored.

export interface SseEvent {
  event: string;
  data: string;
}

export class SseParser {
  private readonly decoder = new TextDecoder("utf-8");
  private buffer = "";
  private data: string[] = [];
  private event = "";
  /** Bytes (or text) in, complete events out; an incomplete line or event waits for more. */
  push(chunk: Uint8Array | string): SseEvent[] {
    this.buffer += typeof chunk === "string" ? chunk : this.decoder.decode(chunk, { stream: true });
    const events: SseEvent[] = [];
    let start = 0;
    // Each kind of line end is searched again only once passed: a chunk of LF-only lines must
    // not rescan to its end for a CR at every line.
    let cr = -2;
    let lf = -2;
    for (;;) {
      if (cr !== -1 && cr < start) cr = this.buffer.indexOf("\r", start);
      if (lf !== -1 && lf < start) lf = this.buffer.indexOf("\n", start);
      if (cr === -1 && lf === -1) break;
      const end = cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
      // A CR at the very end may be the first half of a CRLF split across two chunks.
      if (end === cr && cr === this.buffer.length - 1) break;
      const line = this.buffer.slice(start, end);
      start = end + (end === cr && this.buffer[cr + 1] === "\n" ? 2 : 1);
      const done = this.line(line);
      if (done) events.push(done);
    }
    this.buffer = this.buffer.slice(start);
    return events;
  }

  /** At end of input: a last event without its blank line is dropped, as the spec says. */
  end(): SseEvent[] {
    const events = this.push(this.decoder.decode());
    this.buffer = "";
    this.data = [];
    this.event = "";
    return events;
  }

  private line(line: string): SseEvent | undefined {
    if (line === "") {
      if (!this.data.length) {
        this.event = "";
        return undefined;
      }
      const ev = { event: this.event || "message", data: this.data.join("\n") };
      this.data = [];
      this.event = "";
      return ev;
    }
    if (line.startsWith(":")) return undefined;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") this.data.push(value);
    else if (field === "event") this.event = value;
    return undefined;
  }
}
