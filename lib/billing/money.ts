// Exact decimal dollars ↔ integer micro-USD, without floating point.
export function parseUsdToMicro(s: string): bigint | null {
  const m = /^(-)?(\d{1,12})(?:\.(\d{1,6}))?$/.exec(s.trim());
  if (!m) return null;
  const micro = BigInt(m[2]!) * 1_000_000n + BigInt((m[3] ?? "").padEnd(6, "0") || "0");
  return m[1] ? -micro : micro;
}
