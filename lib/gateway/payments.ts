import "server-only";
import { getDb } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { verifyInternalJwt } from "@/lib/jwt/verify";
import type { ResolvedKey } from "@/lib/keys/resolve";
import type { AgentCaller } from "@/lib/http/agent-caller";
import { logger } from "@/lib/log";
import {
  failPaidCall,
  markPaymentSettled,
  recordAcceptedPayment,
  recordPaidUsage,
  settlePayment,
  verifyPaymentHeader,
  X402_MODEL_BUDGET_MS,
  type SettledPayment,
} from "@/lib/x402";
import { accountIdOfWallet } from "@/lib/billing/accounts-store";
import { getFacilitator } from "@/lib/x402/facilitator";
import { verifySiwxProof } from "@/lib/x402/siwx";
import { quotedPaymentRequired, type Paywall } from "./payment-required";
import { x402Quote, type OpenPayment, type Payment, type Produced, type UsageOwner } from "./call";
import { Reservation } from "./reservation";
import { gateway, type GatewayRuntime } from "./runtime";
import type { UsageRecord } from "./settle-batch";

// The payment strategies of runCall (prepaid key, internal JWT, sign-in-with-x, x402). Creating one admits the caller (rate limits, the
// JWT's signature); open() takes the call's reservation or verifies its payment.

const TOUCH_EVERY_MS = 60_000;
const NOT_RECORDED = "The call could not be recorded, so it was not charged. Please retry.";

type Facts = Pick<Produced, "id" | "status" | "latencyMs"> & Partial<Pick<Produced, "inputTokens" | "outputTokens">>;

const usage = (
  owner: UsageOwner,
  req: { model: { id: string }; requestId: string },
  p: Facts,
  cost: bigint,
): UsageRecord => ({
  ...owner,
  model: req.model.id,
  requestId: req.requestId,
  id: p.id,
  inputTokens: p.inputTokens ?? 0,
  outputTokens: p.outputTokens ?? 0,
  latencyMs: p.latencyMs,
  status: p.status,
  costMicro: cost,
  at: new Date(),
});

/** A failed call is logged for its owner at no cost; best effort (the call failed anyway). */
function logFailure(rt: GatewayRuntime, u: UsageRecord, touchKey?: string): Promise<void> {
  return rt.batcher.submit({ usage: u, touchKey }).then(
    () => undefined,
    () => undefined,
  );
}

/** Prepaid: the balance (and the key's cap) reserved before the model runs, the actual cost charged after. */
export function keyPayment(key: ResolvedKey): Payment {
  // A management key manages the account; it calls models only when created to (canCallModels).
  if (!key.canCallModels)
    throw new AppError(
      "key_not_allowed",
      "This management key cannot call models. Use a regular API key, or create the management key with canCallModels.",
    );
  const rt = gateway();
  const wait = rt.keyLimiter.take(key.keyId);
  if (wait > 0)
    throw new AppError("rate_limited", "Too many requests for this API key. Slow down and retry.", {
      retryAfterSeconds: wait,
    });
  const owner: UsageOwner = { accountId: key.accountId, keyId: key.keyId, authKind: "key", product: null };
  return {
    async open(req): Promise<OpenPayment> {
      // Before any reservation: nothing is held for a call the key may not make.
      if (key.models !== null && !key.models.includes(req.model.id))
        throw new AppError(
          "model_not_allowed",
          `This API key may not call ${req.model.id}. It may call: ${key.models.join(", ")}.`,
        );
      const reservation = await Reservation.take(rt, key, req.maxCostMicro);
      const now = Date.now();
      const touchKey = now - (rt.lastTouched.get(key.keyId) ?? 0) > TOUCH_EVERY_MS ? key.keyId : undefined;
      if (touchKey) rt.lastTouched.set(key.keyId, now);
      return prepaid(rt, reservation, owner, req, touchKey);
    },
  };
}

/** A call reserved from a prepaid balance: charged what it used, in the settle batch. */
function prepaid(
  rt: GatewayRuntime,
  reservation: Reservation,
  owner: UsageOwner,
  req: Parameters<Payment["open"]>[0],
  touchKey?: string,
): OpenPayment {
  return {
    async fail(f) {
      reservation.cancel();
      await logFailure(rt, usage(owner, req, f, 0n), touchKey);
    },
    async settle(p) {
      const cost = reservation.finish(p.actualMicro);
      let r;
      try {
        r = await rt.batcher.submit({ usage: usage(owner, req, p, cost), charge: reservation.charge(), touchKey });
      } catch {
        reservation.unsettled();
        throw new AppError("unavailable", NOT_RECORDED);
      }
      reservation.settled(r);
      if (!r.served) throw new AppError("unavailable", NOT_RECORDED);
      return { costMicro: cost };
    },
  };
}

/**
 * Sign in with x402: a wallet that proved itself (lib/x402/siwx.ts) spends its account's balance,
 * reserved and charged like a key's call but under no key (no cap, no allowlist). A wallet
 * without an account or without the balance pays per call instead: with the x402 payment it sent
 * along, else a 402 that says why and offers a new challenge.
 */
export async function siwxPayment(proof: string, paymentHeader: string | null, paywall: Paywall): Promise<Payment> {
  const f = await getFacilitator();
  const wallet = await verifySiwxProof(proof, f.network);
  const rt = gateway();
  const wait = rt.keyLimiter.take(`siwx:${wallet}`);
  if (wait > 0)
    throw new AppError("rate_limited", "Too many requests for this wallet. Slow down and retry.", {
      retryAfterSeconds: wait,
    });
  const accountId = await accountIdOfWallet(await getDb(), wallet);
  return {
    async open(req) {
      const reservation = accountId ? await Reservation.takeBalance(rt, accountId, req.maxCostMicro) : null;
      if (reservation) {
        const owner: UsageOwner = { accountId: accountId!, keyId: null, authKind: "siwx", product: null };
        return prepaid(rt, reservation, owner, req);
      }
      if (paymentHeader) return x402Payment(paymentHeader, paywall.resourceUrl()).open(req);
      const price = x402Quote(req.model, req.maxCostMicro);
      throw await quotedPaymentRequired(
        { model: req.model, price, exact: true },
        paywall,
        accountId
          ? `The balance of ${wallet} is too low for this call; top up in the dashboard, or pay for it. `
          : `${wallet} has no Solrouter account; sign in at the dashboard and top up, or pay for this call. `,
      );
    },
  };
}

/** First-party products (internal JWT): metered and recorded, no balance impact. */
export async function jwtPayment(token: string): Promise<Payment> {
  const { product } = await verifyInternalJwt(token);
  const rt = gateway();
  const wait = rt.productLimiter.take(product);
  if (wait > 0)
    throw new AppError("rate_limited", "Too many requests for this product. Slow down and retry.", {
      retryAfterSeconds: wait,
    });
  const owner: UsageOwner = { accountId: null, keyId: null, authKind: "jwt", product };
  return {
    async open(req) {
      return {
        fail: (f) => logFailure(rt, usage(owner, req, f, 0n)),
        async settle(p) {
          await rt.batcher.submit({ usage: usage(owner, req, p, p.actualMicro) });
          return { costMicro: p.actualMicro };
        },
      };
    },
  };
}

/**
 * Keyless pay-per-call: the payment is verified for this request's quote and persisted (replays
 * are refused on every instance from then on) before the model runs; after a complete answer the
 * usage is recorded in its own transaction, then the payment settled (a failed settlement undoes
 * the record). A call that fails, or a stream cut before its end, is not collected. See
 * lib/x402/README.md.
 */
export function x402Payment(paymentHeader: string, resourceUrl: string): Payment {
  const rt = gateway();
  return {
    async open(req) {
      const price = x402Quote(req.model, req.maxCostMicro);
      // The payment must be for exactly this body's quote (the same one its 402 stated).
      const verified = await verifyPaymentHeader(paymentHeader, price, resourceUrl);
      const db = await getDb();
      await recordAcceptedPayment(db, { ...verified, requestId: req.requestId });
      const owner: UsageOwner = {
        accountId: null,
        payerWallet: verified.payer,
        keyId: null,
        authKind: "x402",
        product: null,
      };
      const giveUp = () => failPaidCall(db, verified.messageHash).catch(() => {});
      return {
        // The payment must settle while its blockhash is valid: the model gets a bounded budget.
        signal: AbortSignal.timeout(X402_MODEL_BUDGET_MS),
        async fail(f) {
          await logFailure(rt, usage(owner, req, f, 0n));
          await giveUp();
        },
        async settle(p) {
          if (!p.complete) {
            // Not a success: the payment is not collected; the call is logged at no cost.
            await giveUp();
            await rt.batcher.submit({ usage: usage(owner, req, p, 0n) }).catch(() => {});
            return { costMicro: 0n };
          }
          try {
            await recordPaidUsage(db, verified.messageHash, {
              ...usage(owner, req, p, price),
              payer: verified.payer,
            });
          } catch (err) {
            await giveUp();
            logger().warn(
              { err, messageHash: verified.messageHash },
              "x402 usage could not be recorded; payment not settled",
            );
            throw new AppError(
              "unavailable",
              "The call could not be recorded, so the payment was not collected. Please retry with a new payment.",
            );
          }
          let settled: SettledPayment;
          try {
            settled = await settlePayment(verified);
          } catch (err) {
            await giveUp();
            throw err;
          }
          // Collected: the answer is owed even if this bookkeeping fails (recovery finishes it).
          await markPaymentSettled(db, verified.messageHash, settled.transaction, settled.confirmed).catch(
            (err: unknown) =>
              logger().warn({ err, messageHash: verified.messageHash }, "x402 settled payment left settling"),
          );
          return { costMicro: price, headers: { "PAYMENT-RESPONSE": settled.headerValue } };
        },
      };
    },
  };
}

/** The payment strategy for a credentialed caller (a caller without any gets the 402 instead). */
export async function paymentFor(caller: Exclude<AgentCaller, { kind: "none" }>, paywall: Paywall): Promise<Payment> {
  switch (caller.kind) {
    case "key":
      return keyPayment(caller.key);
    case "jwt":
      return jwtPayment(caller.token);
    case "siwx":
      return siwxPayment(caller.proof, caller.paymentHeader, paywall);
    case "x402":
      return x402Payment(caller.paymentHeader, paywall.resourceUrl());
  }
}
