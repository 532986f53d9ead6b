// Display helpers shared by server and browser code. Money stays integer micro-USD until here.
export function formatUsd(micro: bigint | number, opts: { precise?: boolean } = {}): string {
  const m = typeof micro === "bigint" ? micro : BigInt(Math.trunc(micro));
  const neg = m < 0n;
  const abs = neg ? -m : m;
  const dollars = abs / 1_000_000n;
  const frac = (abs % 1_000_000n).toString().padStart(6, "0");
  const whole = dollars.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  let cents = frac.slice(0, 2);
  let rest = frac.slice(2).replace(/0+$/, "");
  if (!opts.precise) rest = "";
  // Tiny non-zero amounts would read as $0.00; show them precisely instead.
  if (!opts.precise && abs > 0n && dollars === 0n && cents === "00") {
    cents = frac.slice(0, 2);
    rest = frac.slice(2).replace(/0+$/, "");
  }
  return `${neg ? "-" : ""}$${whole}.${cents}${rest}`;
}

export function shortAddress(a: string, chars = 4): string {
  return a.length <= chars * 2 + 1 ? a : `${a.slice(0, chars)}…${a.slice(-chars)}`;
}

export function formatPricePerMTok(micro: number): string {
  return `${formatUsd(micro, { precise: true })} / 1M tokens`;
}
