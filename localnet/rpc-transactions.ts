import { describeTxError } from "./errors";
import { configParam, invalidParams, pubkeyParam, RpcError } from "./json";
import type { Outcome } from "./ledger";
import { arrayParam, encodeAccount, withContext, type Handler, type RpcContext } from "./rpc-context";
import { parsedInnerInstructions, renderTransaction } from "./tx-render";
import { decodeWireParam, parseWire, verifySignatures } from "./wire";

const sigVerifyFailure = () => new RpcError(-32003, "Transaction signature verification failure");

function simulationValue(ctx: RpcContext, wire: Uint8Array, out: Outcome, config: Record<string, unknown>) {
  let accounts: unknown = null;
  const wanted = config.accounts as { addresses?: unknown; encoding?: unknown } | undefined;
  if (wanted && typeof wanted === "object") {
    accounts = arrayParam(wanted.addresses, "addresses").map((raw) => {
      const key = pubkeyParam(raw);
      const account = out.postAccounts?.get(key) ?? ctx.ledger.getAccount(key);
      return account && encodeAccount(ctx, account, { encoding: wanted.encoding ?? "base64" });
    });
  }
  let innerInstructions: unknown = null;
  if (config.innerInstructions === true) {
    const keys = out.accountKeys ?? parseWire(wire).message.staticKeys;
    innerInstructions = parsedInnerInstructions(out.innerInstructions, keys);
  }
  return {
    err: out.err,
    logs: out.logs,
    accounts,
    unitsConsumed: out.unitsConsumed,
    returnData: out.returnData,
    innerInstructions,
    replacementBlockhash: config.replaceRecentBlockhash === true ? ctx.ledger.clock.latestBlockhash() : null,
  };
}

export const transactionMethods: Record<string, Handler> = {
  simulateTransaction: (params, ctx) => {
    const config = configParam(params, 1);
    const wire = decodeWireParam(params[0], config.encoding);
    const sigVerify = config.sigVerify === true;
    const replaceRecentBlockhash = config.replaceRecentBlockhash === true;
    if (sigVerify && replaceRecentBlockhash)
      throw invalidParams("sigVerify may not be used with replaceRecentBlockhash");
    if (sigVerify && !verifySignatures(parseWire(wire))) throw sigVerifyFailure();
    const out = ctx.ledger.simulate(wire, { sigVerify, replaceRecentBlockhash });
    return withContext(ctx, simulationValue(ctx, wire, out, config));
  },

  sendTransaction: (params, ctx) => {
    const config = configParam(params, 1);
    const wire = decodeWireParam(params[0], config.encoding);
    if (!verifySignatures(parseWire(wire))) throw sigVerifyFailure();
    if (config.skipPreflight !== true) {
      const sim = ctx.ledger.simulate(wire, { sigVerify: true, replaceRecentBlockhash: false });
      if (sim.err === "SignatureFailure") throw sigVerifyFailure();
      if (sim.err !== null) {
        throw new RpcError(-32002, `Transaction simulation failed: ${describeTxError(sim.err)}`, {
          ...simulationValue(ctx, wire, sim, {}),
          accounts: null,
        });
      }
    }
    const out = ctx.ledger.execute(wire, { checkBlockhash: true });
    if (out.err === "SignatureFailure") throw sigVerifyFailure();
    // Like a real node after skipPreflight, a transaction that cannot land is dropped silently; say so on stderr.
    if (!out.record && out.err !== "AlreadyProcessed") {
      ctx.log(`dropped ${out.signature}: ${describeTxError(out.err ?? "unknown")}`);
    }
    return out.signature;
  },

  getSignatureStatuses: (params, ctx) => {
    const sigs = arrayParam(params[0], "signatures");
    if (sigs.length > 256) throw invalidParams("Too many inputs provided; max 256");
    return withContext(
      ctx,
      sigs.map((sig) => {
        const r = typeof sig === "string" ? ctx.ledger.history.get(sig) : undefined;
        if (!r) return null;
        const status = r.meta.err === null ? { Ok: null } : { Err: r.meta.err };
        return { slot: r.slot, confirmations: null, err: r.meta.err, status, confirmationStatus: "finalized" };
      }),
    );
  },

  getTransaction: (params, ctx) => {
    if (typeof params[0] !== "string") throw invalidParams("expected a signature string");
    const config = typeof params[1] === "string" ? { encoding: params[1] } : configParam(params, 1);
    const record = ctx.ledger.history.get(params[0]);
    return record ? renderTransaction(record, config) : null;
  },

  getSignaturesForAddress: (params, ctx) => {
    const addr = pubkeyParam(params[0]);
    const config = configParam(params, 1);
    const limit = config.limit ?? 1000;
    if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1 || limit > 1000) {
      throw invalidParams("Invalid limit; max 1000");
    }
    const str = (v: unknown) => (typeof v === "string" ? v : undefined);
    return ctx.ledger.history
      .signaturesFor(addr, { before: str(config.before), until: str(config.until), limit })
      .map((r) => ({
        signature: r.signature,
        slot: r.slot,
        err: r.meta.err,
        memo: r.memo,
        blockTime: r.blockTime,
        confirmationStatus: "finalized",
      }));
  },
};
