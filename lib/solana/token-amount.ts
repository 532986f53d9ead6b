// Exact token arithmetic shared by the server (intents) and the browser (quotes, display).
// Prices are decimal strings turned into fractions; no floating point touches money.

export interface Fraction {
  num: bigint;
  den: bigint;
}

const DECIMAL = /^(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i;

/** "0.05" → 5/100; also accepts the exponent form JavaScript prints for tiny or huge numbers ("1e-7"). */
export function parseDecimal(text: string): Fraction | null {
  const m = DECIMAL.exec(text.trim());
  if (!m) return null;
  const frac = m[2] ?? "";
  const exp = Number(m[3] ?? "0") - frac.length;
  if (!Number.isSafeInteger(exp) || Math.abs(exp) > 60) return null;
  let num = BigInt(m[1]! + frac);
  let den = 1n;
  if (exp >= 0) num *= 10n ** BigInt(exp);
  else den = 10n ** BigInt(-exp);
  return { num, den };
}

/** The plain decimal text of a fraction whose denominator is a power of ten ("1e-7" → "0.0000001"). */
export function toPlainDecimal(text: string): string | null {
  const f = parseDecimal(text);
  if (!f) return null;
  const scale = f.den.toString().length - 1;
  return formatBaseUnits(f.num, scale);
}

/** Base units → decimal text without trailing zeros: 1_500_000n with 6 decimals → "1.5". */
export function formatBaseUnits(amount: bigint | string, decimals: number): string {
  const a = BigInt(amount);
  const neg = a < 0n;
  const abs = neg ? -a : a;
  const scale = 10n ** BigInt(decimals);
  const whole = (abs / scale).toString();
  const frac = decimals > 0 ? (abs % scale).toString().padStart(decimals, "0").replace(/0+$/, "") : "";
  return `${neg ? "-" : ""}${whole}${frac ? `.${frac}` : ""}`;
}

/** Like formatBaseUnits, with thousands separators for people to read. */
export function displayTokenAmount(amount: bigint | string, decimals: number): string {
  const [whole, frac] = formatBaseUnits(amount, decimals).split(".");
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return frac ? `${grouped}.${frac}` : grouped;
}

/**
 * Token base units that buy `creditMicro` micro-USD at `priceUsd` per whole token, rounded up so
 * the treasury never receives less than the credit is worth:
 * ceil(creditMicro · 10^decimals · den / (10^6 · num)).
 */
export function tokenAmountForCredit(creditMicro: bigint, priceUsd: string, decimals: number): bigint {
  const price = parseDecimal(priceUsd);
  if (!price || price.num <= 0n) throw new Error(`invalid price: ${priceUsd}`);
  const numerator = creditMicro * 10n ** BigInt(decimals) * price.den;
  const denominator = 1_000_000n * price.num;
  return (numerator + denominator - 1n) / denominator;
}
