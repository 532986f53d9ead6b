// Display helpers shared by server and browser code. Money stays integer micro-USD until here.
/**
 * Money for people. The rule: balances and totals are rounded to the nearest cent, half up
 * ($140 − $0.000094 reads $140.00, never $139.99); `precise` shows every micro-dollar (per-request
 * costs, prices); a non-zero amount that would round to $0.00 is shown precisely instead.
 */
export function formatUsd(micro: bigint | number, opts: { precise?: boolean } = {}): string {
  const m = typeof micro === "bigint" ? micro : BigInt(Math.trunc(micro));
  const neg = m < 0n;
  const abs = neg ? -m : m;
  const shown = opts.precise || (abs > 0n && abs < 5_000n) ? abs : ((abs + 5_000n) / 10_000n) * 10_000n;
  const dollars = shown / 1_000_000n;
  const frac = (shown % 1_000_000n).toString().padStart(6, "0");
  const whole = dollars.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const rest = frac.slice(2).replace(/0+$/, "");
  return `${neg ? "-" : ""}$${whole}.${frac.slice(0, 2)}${rest}`;
}

export function shortAddress(a: string, chars = 4): string {
  return a.length <= chars * 2 + 1 ? a : `${a.slice(0, chars)}…${a.slice(-chars)}`;
}

export function formatPricePerMTok(micro: number): string {
  return `${formatUsd(micro, { precise: true })} / 1M tokens`;
}
