import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocket, WebSocketServer } from "ws";
import type { TxRecord } from "./history";
import { configParam, pubkeyParam, RpcError, stringifyJson } from "./json";
import { encodeAccount, type RpcContext } from "./rpc-context";
import { SLOT_MS } from "./slot-clock";

type Kind = "signature" | "account" | "slot";
interface Sub {
  kind: Kind;
  key: string;
  ws: WebSocket;
  config: Record<string, unknown>;
}

/** The PubSub side of the RPC: signature, account and slot subscriptions with the real node's message shapes. */
export class Subscriptions {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly subs = new Map<number, Sub>();
  private nextId = 1;
  private slotTimer: NodeJS.Timeout | null = null;
  private lastSlot = -1;

  constructor(private readonly ctx: RpcContext) {
    this.wss.on("connection", (ws) => {
      ws.on("message", (data) => this.onMessage(ws, data.toString()));
      ws.on("close", () => {
        for (const [id, sub] of this.subs) if (sub.ws === ws) this.subs.delete(id);
        this.updateSlotTimer();
      });
      ws.on("error", () => ws.terminate());
    });
    ctx.ledger.onTransaction((r) => this.onTransaction(r));
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit("connection", ws, req));
  }

  /** Closes with 1000 (normal closure), which web3.js's socket client takes as "do not reconnect". */
  async close(): Promise<void> {
    if (this.slotTimer) clearInterval(this.slotTimer);
    const clients = [...this.wss.clients];
    const closed = clients.map((ws) => new Promise((resolve) => ws.once("close", resolve)));
    for (const ws of clients) ws.close(1000, "localnet shutting down");
    await Promise.race([Promise.all(closed), new Promise((resolve) => setTimeout(resolve, 500))]);
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
  }

  private send(ws: WebSocket, message: unknown): void {
    if (ws.readyState === WebSocket.OPEN) ws.send(stringifyJson(message));
  }

  private notify(id: number, sub: Sub, method: string, result: unknown): void {
    this.send(sub.ws, { jsonrpc: "2.0", method, params: { result, subscription: id } });
  }

  private onMessage(ws: WebSocket, text: string): void {
    let req: { id?: unknown; method?: unknown; params?: unknown };
    try {
      req = JSON.parse(text);
    } catch {
      this.send(ws, { jsonrpc: "2.0", error: { code: -32700, message: "Parse error" }, id: null });
      return;
    }
    // Requests without an id are notifications (web3.js pings this way) and get no reply.
    if (req.id === undefined || typeof req.method !== "string") return;
    const params = Array.isArray(req.params) ? req.params : [];
    try {
      const { result, after } = this.call(ws, req.method, params);
      this.send(ws, { jsonrpc: "2.0", result, id: req.id });
      after?.();
    } catch (e) {
      const err = e instanceof RpcError ? e : new RpcError(-32603, (e as Error).message);
      this.send(ws, { jsonrpc: "2.0", error: { code: err.code, message: err.message }, id: req.id });
    }
  }

  private call(ws: WebSocket, method: string, params: unknown[]): { result: unknown; after?: () => void } {
    const subscribe = (kind: Kind, key: string) => {
      const id = this.nextId++;
      const sub: Sub = { kind, key, ws, config: configParam(params, 1) };
      this.subs.set(id, sub);
      return { id, sub };
    };
    switch (method) {
      case "signatureSubscribe": {
        if (typeof params[0] !== "string") throw new RpcError(-32602, "Invalid params: expected a signature");
        const { id, sub } = subscribe("signature", params[0]);
        const done = this.ctx.ledger.history.get(params[0]);
        // Already final when subscribing: a real node notifies right away, after the subscription id.
        return { result: id, after: done ? () => this.fireSignature(id, sub, done) : undefined };
      }
      case "accountSubscribe":
        return { result: subscribe("account", pubkeyParam(params[0])).id };
      case "slotSubscribe": {
        const { id } = subscribe("slot", "");
        this.updateSlotTimer();
        return { result: id };
      }
      case "signatureUnsubscribe":
      case "accountUnsubscribe":
      case "slotUnsubscribe": {
        const removed = typeof params[0] === "number" && this.subs.delete(params[0]);
        this.updateSlotTimer();
        if (!removed) throw new RpcError(-32602, "Invalid subscription id.");
        return { result: true };
      }
      default:
        throw new RpcError(-32601, "Method not found");
    }
  }

  private fireSignature(id: number, sub: Sub, record: TxRecord): void {
    if (!this.subs.delete(id)) return;
    this.notify(id, sub, "signatureNotification", { context: { slot: record.slot }, value: { err: record.meta.err } });
  }

  private onTransaction(record: TxRecord): void {
    const touched = new Set(record.accountKeys);
    for (const [id, sub] of this.subs) {
      if (sub.kind === "signature" && sub.key === record.signature) this.fireSignature(id, sub, record);
      if (sub.kind === "account" && touched.has(sub.key)) {
        const account = this.ctx.ledger.getAccount(sub.key) ?? {
          address: sub.key,
          lamports: 0n,
          data: new Uint8Array(),
          programAddress: "11111111111111111111111111111111",
          executable: false,
          space: 0n,
        };
        const value = encodeAccount(this.ctx, account, { encoding: sub.config.encoding ?? "base64" });
        this.notify(id, sub, "accountNotification", { context: { slot: record.slot }, value });
      }
    }
  }

  private updateSlotTimer(): void {
    const wanted = [...this.subs.values()].some((s) => s.kind === "slot");
    if (wanted && !this.slotTimer) {
      this.slotTimer = setInterval(() => {
        const slot = this.ctx.ledger.clock.slot();
        if (slot === this.lastSlot) return;
        this.lastSlot = slot;
        for (const [id, sub] of this.subs) {
          if (sub.kind === "slot")
            this.notify(id, sub, "slotNotification", { parent: Math.max(0, slot - 1), root: slot, slot });
        }
      }, SLOT_MS);
      this.slotTimer.unref();
    } else if (!wanted && this.slotTimer) {
      clearInterval(this.slotTimer);
      this.slotTimer = null;
    }
  }
}
