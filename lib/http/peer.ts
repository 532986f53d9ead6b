import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import http from "node:http";
import https from "node:https";
import { ensurePart } from "@/lib/runtime";

// Who is at the other end of the TCP connection. A route handler only gets a web Request, and
// under `next start` (Next 16, base-server.js) the socket's address reaches it solely as
// `x-forwarded-for ??= socket.remoteAddress`: filled in only when the client sent no such
// header, so a client that sends one chooses its own address. So we take the address where
// the request enters Node (the server's "request" event, in the same process under next start
// and next dev) and carry it, with the X-Forwarded-For exactly as received, in an async context
// that follows the request into the handler. A client cannot forge it: it is not a header.

export interface Peer {
  /** The socket's remote address. */
  address: string | undefined;
  /** X-Forwarded-For as it arrived on the socket, before Next fills it in. */
  forwardedFor: string | undefined;
}

// In the runtime container (on globalThis): instrumentation and each route bundle may load their
// own copy of this module. resetRuntime() keeps it: the servers' emit is patched once per process.
function state() {
  return ensurePart("peer", () => ({ als: new AsyncLocalStorage<Peer>(), installed: false }));
}

/** Wraps every HTTP(S) server's "request" event of this process; called once at boot. */
export function installPeerCapture(): void {
  const s = state();
  if (s.installed) return;
  s.installed = true;
  for (const proto of [http.Server.prototype, https.Server.prototype] as {
    emit: (event: string | symbol, ...args: unknown[]) => boolean;
  }[]) {
    const emit = proto.emit;
    proto.emit = function (this: unknown, event: string | symbol, ...args: unknown[]): boolean {
      if (event !== "request") return emit.call(this, event, ...args);
      const req = args[0] as http.IncomingMessage;
      const fwd = req.headers["x-forwarded-for"];
      const peer = { address: req.socket?.remoteAddress, forwardedFor: Array.isArray(fwd) ? fwd.join(", ") : fwd };
      return s.als.run(peer, () => emit.call(this, event, ...args));
    };
  }
}

export function peerCaptureInstalled(): boolean {
  return state().installed;
}

/** The connection of the request being handled, if it came through a captured server. */
export function currentPeer(): Peer | undefined {
  return state().als.getStore();
}

/** Runs `fn` as if it handled a request from `peer` (tests that call handlers directly). */
export function runWithPeer<T>(peer: Peer, fn: () => T): T {
  return state().als.run(peer, fn);
}
