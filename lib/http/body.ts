import "server-only";
import { AppError } from "@/lib/errors";

// Every request body is read through here, never with req.text()/json()/arrayBuffer(): those
// buffer whatever the client sends, and a chunked upload declares no length to check first.

/** Per-route body limits (bytes). The /agent one is the prompt limit the gateway always had. */
export const BODY_LIMITS = {
  /** Dashboard JSON (keys, top-ups, settings, sign-in). The largest, a sign-in, is under 12 kB. */
  json: 64 * 1024,
  /** `POST /agent`: prompt and model, with or without credentials. */
  agent: 1024 * 1024,
} as const;

export function tooLarge(maxBytes: number): AppError {
  // The client may still be sending: closing the connection after the answer stops the upload
  // instead of leaving unread bytes on a kept-alive socket.
  return new AppError("payload_too_large", `The request body is larger than ${maxBytes} bytes.`, {
    headers: { connection: "close" },
  });
}

/**
 * The body's bytes, at most `maxBytes`: a declared Content-Length over the limit is refused before
 * reading anything, and a chunked (or lying) body is refused as soon as the bytes read pass the
 * limit, so memory never holds more than about `maxBytes` plus one chunk.
 */
export async function readBodyBytes(req: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = req.headers.get("content-length");
  if (declared !== null && !/^\s*\d+\s*$/.test(declared))
    throw new AppError("invalid_request", "Content-Length is not a number.");
  if (declared !== null && Number(declared) > maxBytes) throw tooLarge(maxBytes);
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    let step: ReadableStreamReadResult<Uint8Array>;
    try {
      step = await reader.read();
    } catch {
      // The client went away mid-upload: nobody is left to answer, and it is not our fault.
      throw new AppError("invalid_request", "The request body could not be read to its end.");
    }
    const { done, value } = step;
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      // Stop pulling: the rest stays in the socket, which the 413 closes. Cancelling here would
      // destroy the socket under Node before the answer is written.
      reader.releaseLock();
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return concat(chunks, total);
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** The body as UTF-8 text, bounded like readBodyBytes; invalid UTF-8 is a 400. */
export async function readBodyText(req: Request, maxBytes: number): Promise<string> {
  const bytes = await readBodyBytes(req, maxBytes);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new AppError("invalid_request", "The request body is not valid UTF-8.");
  }
}

/**
 * The body as JSON if it is, else undefined: for x402 discovery probes, which may send no body at all.
 * Bounded like every body, so an oversized one is a 413 even without credentials.
 */
export async function peekJsonBody(req: Request, maxBytes: number): Promise<unknown> {
  const bytes = await readBodyBytes(req, maxBytes);
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
  } catch {
    return undefined;
  }
}
