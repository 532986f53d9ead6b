import "server-only";
import { AppError } from "@/lib/errors";
import type { ResolvedKey } from "@/lib/keys/resolve";
import type { GatewayRuntime } from "./runtime";
import type { Settlement, SettleResult } from "./settle-batch";

/**
 * One prepaid call's reservation: the balance hold and (for a capped key) the cap hold, taken,
 * finished and settled together. Whatever happens to the call, exactly one of `cancel` (nothing
 * charged) or `finish` then `settled` / `unsettled` runs, so both pools always agree.
 */
export class Reservation {
  private done = false;

  private constructor(
    private readonly rt: GatewayRuntime,
    private readonly accountId: string,
    /** The key whose cap and month spend the call counts against (a rolled key's replacement); null: no key (sign-in-with-x). */
    private readonly capKeyId: string | null,
    readonly amount: bigint,
    private readonly lease: string,
    private readonly capLease: string | undefined,
    private cost = 0n,
  ) {}

  /** Reserves `amount` from the key's cap (if it has one), then from the account's balance; throws the refusal. */
  static async take(rt: GatewayRuntime, key: ResolvedKey, amount: bigint): Promise<Reservation> {
    const capped = key.spendCapMicro !== null;
    // A changed cap or period (the version) makes the instance re-validate its cap hold before using it.
    const capLease = capped
      ? await rt.caps.reserve(key.capKeyId, amount, `${key.spendCapMicro}/${key.capPeriod}`)
      : undefined;
    if (capLease === null)
      throw new AppError(
        "key_spend_limit",
        `This call would exceed the API key's spend cap for this ${key.capPeriod} (UTC). Raise the cap or use another key.`,
      );
    let lease: string | null;
    try {
      lease = await rt.balances.reserve(key.accountId, amount);
    } catch (err) {
      if (capLease) rt.caps.cancel(key.capKeyId, capLease, amount);
      throw err;
    }
    if (lease === null) {
      if (capLease) rt.caps.cancel(key.capKeyId, capLease, amount);
      throw new AppError("insufficient_balance", "Your balance is too low for this call. Top up in the dashboard.");
    }
    return new Reservation(rt, key.accountId, key.capKeyId, amount, lease, capLease);
  }

  /** Reserves `amount` from the account's balance alone (a wallet signed in with x402: no key, so no cap); null when too low. */
  static async takeBalance(rt: GatewayRuntime, accountId: string, amount: bigint): Promise<Reservation | null> {
    const lease = await rt.balances.reserve(accountId, amount);
    return lease === null ? null : new Reservation(rt, accountId, null, amount, lease, undefined);
  }

  /** The call will not be charged at all: everything is free again. */
  cancel() {
    if (this.done) return;
    this.done = true;
    this.rt.balances.cancel(this.accountId, this.lease, this.amount);
    if (this.capLease) this.rt.caps.cancel(this.capKeyId!, this.capLease, this.amount);
  }

  /**
   * The call used `actual`: never more than reserved (the reservation is the price the caller
   * agreed to). The rest is free again at once; the returned cost awaits settlement.
   */
  finish(actual: bigint): bigint {
    const cost = actual < this.amount ? actual : this.amount;
    this.cost = cost;
    this.done = true;
    this.rt.balances.finish(this.accountId, this.lease, this.amount, cost);
    if (this.capLease) this.rt.caps.finish(this.capKeyId!, this.capLease, this.amount, cost);
    return cost;
  }

  /** What the settlement batch charges, under the leases this reservation was taken with. */
  charge(): NonNullable<Settlement["charge"]> {
    return {
      accountId: this.accountId,
      keyId: this.capKeyId,
      lease: this.lease,
      capped: this.capLease !== undefined,
      capLease: this.capLease,
    };
  }

  /** The batch came back: it tells whether each hold was still this instance's; a lost one is dropped. */
  settled(r: SettleResult) {
    this.rt.balances.settled(this.accountId, this.lease, this.cost, r.served, r.hold);
    if (this.capLease) this.rt.caps.settled(this.capKeyId!, this.capLease, this.cost, r.served, r.capHold);
  }

  /** The batch failed: nothing was charged. */
  unsettled() {
    this.rt.balances.unsettled(this.accountId, this.lease, this.cost);
    if (this.capLease) this.rt.caps.unsettled(this.capKeyId!, this.capLease, this.cost);
  }
}
