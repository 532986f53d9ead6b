import type { InnerIxGroup, TxRecord } from "./history";
import { b58encode, b64encode, invalidParams, RpcError } from "./json";
import { parseInstruction } from "./parsed-instructions";
import { isWritable } from "./wire";

type Encoding = "json" | "jsonParsed" | "base64" | "base58";

function renderMessage(r: TxRecord, encoding: "json" | "jsonParsed"): Record<string, unknown> {
  const msg = r.parsed.message;
  const loadedWritable = r.meta.loadedAddresses.writable.length;
  const message: Record<string, unknown> = { recentBlockhash: msg.recentBlockhash };
  if (encoding === "json") {
    message.accountKeys = msg.staticKeys;
    message.header = msg.header;
    message.instructions = msg.instructions.map((ix) => ({
      programIdIndex: ix.programIdIndex,
      accounts: ix.accounts,
      data: b58encode(ix.data),
      stackHeight: null,
    }));
  } else {
    message.accountKeys = r.accountKeys.map((pubkey, i) => ({
      pubkey,
      signer: i < msg.header.numRequiredSignatures,
      writable: isWritable(msg, i, loadedWritable),
      source: i < msg.staticKeys.length ? "transaction" : "lookupTable",
    }));
    message.instructions = msg.instructions.map((ix) =>
      parseInstruction(
        r.accountKeys[ix.programIdIndex] ?? "",
        ix.accounts.map((a) => r.accountKeys[a] ?? ""),
        b58encode(ix.data),
        null,
      ),
    );
  }
  if (msg.version === 0) message.addressTableLookups = msg.lookups;
  return message;
}

/** Inner instructions in the `jsonParsed` shape, as simulateTransaction and jsonParsed getTransaction return them. */
export function parsedInnerInstructions(groups: InnerIxGroup[], keys: string[]): unknown[] {
  return groups.map((g) => ({
    index: g.index,
    instructions: g.instructions.map((ix) =>
      parseInstruction(
        keys[ix.programIdIndex] ?? "",
        ix.accounts.map((a) => keys[a] ?? ""),
        ix.data,
        ix.stackHeight,
      ),
    ),
  }));
}

/** The getTransaction result for a record, honouring encoding and maxSupportedTransactionVersion like agave. */
export function renderTransaction(r: TxRecord, config: Record<string, unknown>): Record<string, unknown> {
  const encoding = (config.encoding ?? "json") as Encoding;
  if (!["json", "jsonParsed", "base64", "base58"].includes(encoding)) {
    throw invalidParams(`unsupported encoding: ${String(encoding)}`);
  }
  const maxVersion = config.maxSupportedTransactionVersion;
  const version = r.parsed.message.version;
  if (version === 0 && (maxVersion === undefined || maxVersion === null)) {
    throw new RpcError(
      -32015,
      'Transaction version (0) is not supported by the requesting client. Please try the request again with the following configuration parameter: "maxSupportedTransactionVersion": 0',
    );
  }
  let transaction: unknown;
  if (encoding === "base64") transaction = [b64encode(r.wire), "base64"];
  else if (encoding === "base58") transaction = [b58encode(r.wire), "base58"];
  else transaction = { signatures: r.parsed.signatures, message: renderMessage(r, encoding) };
  const m = r.meta;
  const meta: Record<string, unknown> = {
    err: m.err,
    status: m.err === null ? { Ok: null } : { Err: m.err },
    fee: m.fee,
    preBalances: m.preBalances,
    postBalances: m.postBalances,
    innerInstructions:
      encoding === "jsonParsed" ? parsedInnerInstructions(m.innerInstructions, r.accountKeys) : m.innerInstructions,
    logMessages: m.logMessages,
    preTokenBalances: m.preTokenBalances,
    postTokenBalances: m.postTokenBalances,
    rewards: [],
    loadedAddresses: m.loadedAddresses,
    computeUnitsConsumed: m.computeUnitsConsumed,
  };
  if (m.returnData) meta.returnData = m.returnData;
  const out: Record<string, unknown> = { slot: r.slot, blockTime: r.blockTime, transaction, meta };
  if (maxVersion !== undefined && maxVersion !== null) out.version = version;
  return out;
}
