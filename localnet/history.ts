import type { RpcTxError } from "./errors";
import type { TransactionMetadata } from "litesvm";
import { b58encode, b64decode, b64encode } from "./json";
import type { TokenBalance } from "./token-accounts";
import { extractMemo, parseWire, type ParsedTx } from "./wire";

export interface InnerIxGroup {
  index: number;
  instructions: { programIdIndex: number; accounts: number[]; data: string; stackHeight: number }[];
}

export interface TxMeta {
  err: RpcTxError | null;
  fee: number;
  preBalances: bigint[];
  postBalances: bigint[];
  preTokenBalances: TokenBalance[];
  postTokenBalances: TokenBalance[];
  logMessages: string[];
  innerInstructions: InnerIxGroup[];
  loadedAddresses: { writable: string[]; readonly: string[] };
  computeUnitsConsumed: number;
  returnData: { programId: string; data: [string, "base64"] } | null;
}

export interface TxRecord {
  seq: number;
  signature: string;
  slot: number;
  blockTime: number;
  wire: Uint8Array;
  parsed: ParsedTx;
  /** Static keys followed by lookup-table-loaded ones, the index space of instructions and balances. */
  accountKeys: string[];
  meta: TxMeta;
  memo: string | null;
}

/** litesvm metadata → the RPC's innerInstructions (only groups that have any, like agave). */
export function innerInstructions(meta: TransactionMetadata): InnerIxGroup[] {
  return meta.innerInstructions().flatMap((list, index) =>
    list.length === 0
      ? []
      : [
          {
            index,
            instructions: list.map((inner) => {
              const ix = inner.instruction();
              const accounts = Array.from(ix.accounts());
              return {
                programIdIndex: ix.programIdIndex(),
                accounts,
                data: b58encode(ix.data()),
                stackHeight: inner.stackHeight(),
              };
            }),
          },
        ],
  );
}

export function returnData(meta: TransactionMetadata): TxMeta["returnData"] {
  const rd = meta.returnData();
  const data = rd.data();
  return data.length ? { programId: b58encode(rd.programId()), data: [b64encode(data), "base64"] } : null;
}

/** What one journal line holds; everything else in a TxRecord is derived from it. */
export interface JournalEntry {
  signature: string;
  slot: number;
  blockTime: number;
  wire: string;
  meta: Omit<TxMeta, "preBalances" | "postBalances"> & { preBalances: string[]; postBalances: string[] };
}

export function toJournalEntry(r: TxRecord): JournalEntry {
  const meta = {
    ...r.meta,
    preBalances: r.meta.preBalances.map(String),
    postBalances: r.meta.postBalances.map(String),
  };
  return { signature: r.signature, slot: r.slot, blockTime: r.blockTime, wire: b64encode(r.wire), meta };
}

export function fromJournalEntry(e: JournalEntry, seq: number): TxRecord {
  const wire = b64decode(e.wire);
  const parsed = parseWire(wire);
  const meta: TxMeta = {
    ...e.meta,
    preBalances: e.meta.preBalances.map(BigInt),
    postBalances: e.meta.postBalances.map(BigInt),
  };
  const { writable, readonly } = meta.loadedAddresses;
  const accountKeys = [...parsed.message.staticKeys, ...writable, ...readonly];
  const memo = extractMemo(parsed.message, accountKeys);
  return { seq, signature: e.signature, slot: e.slot, blockTime: e.blockTime, wire, parsed, accountKeys, meta, memo };
}

/** In-memory index of every landed transaction, by signature and by each account it references. */
export class History {
  private readonly bySig = new Map<string, TxRecord>();
  private readonly byAddress = new Map<string, TxRecord[]>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  nextSeq(): number {
    return this.count;
  }

  add(record: TxRecord): void {
    this.bySig.set(record.signature, record);
    for (const key of new Set(record.accountKeys)) {
      const list = this.byAddress.get(key);
      if (list) list.push(record);
      else this.byAddress.set(key, [record]);
    }
    this.count++;
  }

  get(signature: string): TxRecord | undefined {
    return this.bySig.get(signature);
  }

  has(signature: string): boolean {
    return this.bySig.has(signature);
  }

  /** Newest first; `before`/`until` are exclusive bounds, as on a real node. */
  signaturesFor(address: string, opts: { before?: string; until?: string; limit: number }): TxRecord[] {
    const list = this.byAddress.get(address) ?? [];
    const beforeSeq = opts.before === undefined ? Infinity : (this.bySig.get(opts.before)?.seq ?? -1);
    const untilSeq = opts.until === undefined ? -1 : (this.bySig.get(opts.until)?.seq ?? -1);
    const out: TxRecord[] = [];
    for (let i = list.length - 1; i >= 0 && out.length < opts.limit; i--) {
      const r = list[i]!;
      if (r.seq <= untilSeq) break;
      if (r.seq < beforeSeq) out.push(r);
    }
    return out;
  }
}
