import { b64decode, invalidParams } from "./json";
import { API_VERSION, withContext, type Handler } from "./rpc-context";
import { SLOTS_PER_EPOCH } from "./slot-clock";
import { computeFee, parseMessage } from "./wire";

// Every slot holds a block and everything processed is final at once, so slot, block height and all
// commitment levels coincide.
export const clusterMethods: Record<string, Handler> = {
  getLatestBlockhash: (_params, ctx) => withContext(ctx, ctx.ledger.clock.latestBlockhash()),

  isBlockhashValid: (params, ctx) => {
    if (typeof params[0] !== "string") throw invalidParams("expected a blockhash string");
    return withContext(ctx, ctx.ledger.clock.isBlockhashValid(params[0]));
  },

  getFeeForMessage: (params, ctx) => {
    if (typeof params[0] !== "string") throw invalidParams("expected a base64 message");
    let message;
    try {
      message = parseMessage(b64decode(params[0]));
    } catch (e) {
      throw invalidParams(`invalid message: ${(e as Error).message}`);
    }
    return withContext(ctx, ctx.ledger.clock.isBlockhashValid(message.recentBlockhash) ? computeFee(message) : null);
  },

  getSlot: (_params, ctx) => ctx.ledger.clock.slot(),
  getBlockHeight: (_params, ctx) => ctx.ledger.clock.slot(),
  getMaxShredInsertSlot: (_params, ctx) => ctx.ledger.clock.slot(),
  getFirstAvailableBlock: () => 0,
  minimumLedgerSlot: () => 0,
  getTransactionCount: (_params, ctx) => ctx.ledger.history.size,
  getBlockTime: (params, ctx) => {
    if (typeof params[0] !== "number") throw invalidParams("expected a slot number");
    return ctx.ledger.clock.blockTime(params[0]);
  },

  getEpochInfo: (_params, ctx) => {
    const slot = ctx.ledger.clock.slot();
    return {
      absoluteSlot: slot,
      blockHeight: slot,
      epoch: Math.floor(slot / SLOTS_PER_EPOCH),
      slotIndex: slot % SLOTS_PER_EPOCH,
      slotsInEpoch: SLOTS_PER_EPOCH,
      transactionCount: ctx.ledger.history.size,
    };
  },

  getEpochSchedule: () => ({
    slotsPerEpoch: SLOTS_PER_EPOCH,
    leaderScheduleSlotOffset: SLOTS_PER_EPOCH,
    warmup: false,
    firstNormalEpoch: 0,
    firstNormalSlot: 0,
  }),

  getVersion: () => ({ "solana-core": API_VERSION, "feature-set": 0 }),
  getGenesisHash: (_params, ctx) => ctx.ledger.clock.genesisHash,
  getHealth: () => "ok",
  getIdentity: (_params, ctx) => ({ identity: ctx.identity }),
  getSlotLeader: (_params, ctx) => ctx.identity,
  getRecentPrioritizationFees: () => [],
};
