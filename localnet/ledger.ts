import { address, type EncodedAccount } from "@solana/kit";
import { Clock, FailedTransactionMetadata, LiteSVM } from "litesvm";
import { toRpcTxError, type RpcTxError } from "./errors";
import { fromJournalEntry, History, innerInstructions, returnData, toJournalEntry } from "./history";
import type { InnerIxGroup, JournalEntry, TxRecord } from "./history";
import { b58encode } from "./json";
import type { Journal } from "./persistence";
import { BLOCKHASH_VALID_SLOTS, SLOTS_PER_EPOCH, type SlotClock } from "./slot-clock";
import { parseMint, tokenBalances, type RawAccount } from "./token-accounts";
import { computeFee, extractMemo, parseWire, type ParsedTx } from "./wire";

export type Account = RawAccount & { address: string; lamports: bigint; executable: boolean; space: bigint };

/** kit's EncodedAccount with plain types (its data is a Uint8Array at runtime, typed read-only). */
export const fromEncoded = (a: EncodedAccount): Account => ({
  address: a.address,
  lamports: BigInt(a.lamports),
  programAddress: a.programAddress,
  data: a.data as Uint8Array,
  executable: a.executable,
  space: BigInt(a.space),
});

export interface Outcome {
  signature: string;
  err: RpcTxError | null;
  logs: string[];
  unitsConsumed: number;
  returnData: TxRecord["meta"]["returnData"];
  innerInstructions: InnerIxGroup[];
  /** Post-simulation accounts and the resolved account keys (simulate only). */
  postAccounts?: Map<string, Account>;
  accountKeys?: string[];
  record?: TxRecord;
}

const ALT_PROGRAM = "AddressLookupTab1e1111111111111111111111111";
const ALT_META_LEN = 56;

class TxFailure extends Error {
  constructor(readonly err: RpcTxError) {
    super(String(err));
  }
}

/** LiteSVM plus the bookkeeping a real node does around it: blockhash and duplicate checks, balances, history. */
export class Ledger {
  readonly svm = new LiteSVM().withBlockhashCheck(false).withTransactionHistory(0n);
  readonly history = new History();
  private readonly decimals = new Map<string, number>();
  private readonly listeners: ((r: TxRecord) => void)[] = [];
  journal: Journal | null = null;
  private journalError: Error | null = null;
  private syncedSlot = -1;

  constructor(readonly clock: SlotClock) {}

  onTransaction(listener: (r: TxRecord) => void): void {
    this.listeners.push(listener);
  }

  getAccount(addr: string): Account | null {
    const a = this.svm.getAccount(address(addr));
    return a.exists ? fromEncoded(a) : null;
  }

  decimalsOf = (mint: string): number => {
    let d = this.decimals.get(mint);
    if (d === undefined) {
      const info = this.getAccount(mint);
      d = info ? parseMint(info)?.decimals : undefined;
      if (d === undefined) return 0;
      this.decimals.set(mint, d);
    }
    return d;
  };

  private readonly load = (addr: string): Account | null => this.getAccount(addr);

  /** Runs and, if it lands, records a transaction. Landing means the fee was charged, even when it then failed. */
  execute(wire: Uint8Array, opts: { checkBlockhash: boolean }): Outcome {
    if (this.journalError)
      throw new Error(`journal write failed earlier (${this.journalError.message}); restart the localnet`);
    const parsed = parseWire(wire);
    const signature = parsed.signatures[0]!;
    const slot = this.clock.slot();
    let keys: { all: string[]; writable: string[]; readonly: string[] };
    try {
      this.precheck(parsed, opts.checkBlockhash);
      keys = this.resolveKeys(parsed);
    } catch (e) {
      if (e instanceof TxFailure) return this.rejected(signature, e.err);
      throw e;
    }
    const preBalances = keys.all.map((k) => this.getAccount(k)?.lamports ?? 0n);
    const preTokenBalances = tokenBalances(keys.all, this.load, this.decimalsOf);
    this.syncClock(slot);
    const result = this.run(() => this.svm.sendTransaction(parsed.kitTx));
    if (typeof result === "string") return this.rejected(signature, result);
    const failed = result instanceof FailedTransactionMetadata;
    const meta = failed ? result.meta() : result;
    const err = failed ? toRpcTxError(result.err()) : null;
    const postBalances = keys.all.map((k) => this.getAccount(k)?.lamports ?? 0n);
    const outcome: Outcome = {
      signature,
      err,
      logs: meta.logs(),
      unitsConsumed: Number(meta.computeUnitsConsumed()),
      returnData: returnData(meta),
      innerInstructions: innerInstructions(meta),
    };
    if (failed && postBalances[0] === preBalances[0]) return outcome; // rejected before execution: nothing lands
    const record: TxRecord = {
      seq: this.history.nextSeq(),
      signature,
      slot,
      blockTime: this.clock.blockTime(slot),
      wire,
      parsed,
      accountKeys: keys.all,
      memo: extractMemo(parsed.message, keys.all),
      meta: {
        err,
        fee: computeFee(parsed.message),
        preBalances,
        postBalances,
        preTokenBalances,
        postTokenBalances: tokenBalances(keys.all, this.load, this.decimalsOf),
        logMessages: outcome.logs,
        innerInstructions: outcome.innerInstructions,
        loadedAddresses: { writable: keys.writable, readonly: keys.readonly },
        computeUnitsConsumed: outcome.unitsConsumed,
        returnData: outcome.returnData,
      },
    };
    try {
      this.journal?.append(toJournalEntry(record));
    } catch (e) {
      // The SVM already applied it; refusing further writes keeps memory from drifting past what a restart restores.
      this.journalError = e as Error;
      throw e;
    }
    this.history.add(record);
    for (const listener of this.listeners) listener(record);
    return { ...outcome, record };
  }

  simulate(wire: Uint8Array, opts: { sigVerify: boolean; replaceRecentBlockhash: boolean }): Outcome {
    const parsed = parseWire(wire);
    const signature = parsed.signatures[0]!;
    let accountKeys: string[];
    try {
      this.precheck(parsed, !opts.replaceRecentBlockhash);
      accountKeys = this.resolveKeys(parsed).all;
    } catch (e) {
      if (e instanceof TxFailure) return this.rejected(signature, e.err);
      throw e;
    }
    this.syncClock(this.clock.slot());
    this.svm.withSigverify(opts.sigVerify);
    try {
      const result = this.run(() => this.svm.simulateTransaction(parsed.kitTx));
      if (typeof result === "string") return this.rejected(signature, result);
      const failed = result instanceof FailedTransactionMetadata;
      const meta = result.meta();
      const postAccounts = new Map<string, Account>();
      if (!failed) {
        for (const a of result.postAccounts()) postAccounts.set(a.address, fromEncoded(a));
      }
      return {
        signature,
        err: failed ? toRpcTxError(result.err()) : null,
        logs: meta.logs(),
        unitsConsumed: Number(meta.computeUnitsConsumed()),
        returnData: returnData(meta),
        innerInstructions: innerInstructions(meta),
        postAccounts,
        accountKeys,
      };
    } finally {
      this.svm.withSigverify(true);
    }
  }

  /** Re-applies journaled transactions to a fresh SVM and rebuilds the history index from their stored metadata. */
  replay(entries: JournalEntry[], warn: (msg: string) => void): void {
    for (const entry of entries) {
      const record = fromJournalEntry(entry, this.history.nextSeq());
      if (this.history.has(record.signature)) continue;
      this.syncClock(record.slot);
      const result = this.svm.sendTransaction(record.parsed.kitTx);
      const err = result instanceof FailedTransactionMetadata ? toRpcTxError(result.err()) : null;
      if (JSON.stringify(err) !== JSON.stringify(record.meta.err)) {
        warn(
          `replay of ${record.signature} gave ${JSON.stringify(err)}, journal says ${JSON.stringify(record.meta.err)}`,
        );
      }
      this.history.add(record);
    }
  }

  private rejected(signature: string, err: RpcTxError): Outcome {
    return { signature, err, logs: [], unitsConsumed: 0, returnData: null, innerInstructions: [] };
  }

  /** litesvm's wrapper throws (rather than failing) on missing signatures when sigverify is on. */
  private run<T>(fn: () => T): T | "SignatureFailure" {
    try {
      return fn();
    } catch (e) {
      if (/signature/i.test((e as Error).message)) return "SignatureFailure";
      throw e;
    }
  }

  private precheck(parsed: ParsedTx, checkBlockhash: boolean): void {
    if (this.history.has(parsed.signatures[0]!)) throw new TxFailure("AlreadyProcessed");
    const { recentBlockhash } = parsed.message;
    if (checkBlockhash && !this.clock.isBlockhashValid(recentBlockhash) && !this.isDurableNonce(parsed)) {
      throw new TxFailure("BlockhashNotFound");
    }
  }

  /** A transaction whose first instruction advances a nonce account may use that account's stored nonce instead. */
  private isDurableNonce(parsed: ParsedTx): boolean {
    const { instructions, staticKeys, recentBlockhash } = parsed.message;
    const first = instructions[0];
    if (!first || staticKeys[first.programIdIndex] !== "11111111111111111111111111111111") return false;
    if (first.data.length < 4 || first.data[0] !== 4 || first.accounts.length < 1) return false;
    const nonce = this.getAccount(staticKeys[first.accounts[0]!] ?? "");
    return !!nonce && nonce.data.length >= 72 && b58encode(nonce.data.subarray(40, 72)) === recentBlockhash;
  }

  private resolveKeys(parsed: ParsedTx): { all: string[]; writable: string[]; readonly: string[] } {
    const writable: string[] = [];
    const readonly: string[] = [];
    for (const lookup of parsed.message.lookups) {
      const table = this.getAccount(lookup.accountKey);
      if (!table) throw new TxFailure("AddressLookupTableNotFound");
      if (table.programAddress !== ALT_PROGRAM) throw new TxFailure("InvalidAddressLookupTableOwner");
      const entries = (table.data.length - ALT_META_LEN) / 32;
      const at = (i: number): string => {
        if (i >= entries) throw new TxFailure("InvalidAddressLookupTableIndex");
        return b58encode(table.data.subarray(ALT_META_LEN + i * 32, ALT_META_LEN + (i + 1) * 32));
      };
      writable.push(...lookup.writableIndexes.map(at));
      readonly.push(...lookup.readonlyIndexes.map(at));
    }
    return { all: [...parsed.message.staticKeys, ...writable, ...readonly], writable, readonly };
  }

  /**
   * litesvm's clock starts at the Unix epoch; programs reading Clock should see the cluster's wall time.
   * SlotHashes gets the recent slots because creating an address lookup table requires a recent slot.
   */
  private syncClock(slot: number): void {
    if (slot === this.syncedSlot) return;
    this.syncedSlot = slot;
    const epoch = BigInt(Math.floor(slot / SLOTS_PER_EPOCH));
    const epochStart = BigInt(this.clock.blockTime(Number(epoch) * SLOTS_PER_EPOCH));
    this.svm.setClock(new Clock(BigInt(slot), epochStart, epoch, epoch + 1n, BigInt(this.clock.blockTime(slot))));
    const recent = Array.from({ length: Math.min(slot + 1, BLOCKHASH_VALID_SLOTS) }, (_, i) => slot - i);
    this.svm.setSlotHashes(recent.map((s) => ({ slot: BigInt(s), hash: this.clock.blockhashOf(s) })));
  }
}
