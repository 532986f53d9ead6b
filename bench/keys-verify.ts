// Warm API-key verification in process: shape + checksum, SHA-256, cache lookup — the work
// /agent does per call before anything else. Single thread (one core).
import { generateApiKey, hashApiKey, parseApiKey } from "@/lib/keys/format";
import { LruCache } from "@/lib/keys/cache";

export function benchKeyVerify(): Record<string, number> {
  const keys = Array.from({ length: 1000 }, () => generateApiKey());
  const cache = new LruCache<string, { keyId: string }>({ maxEntries: 20_000, ttlMs: 3_600_000 });
  for (const k of keys) cache.set(k.hash, { keyId: k.hash.slice(0, 8) });
  const run = (n: number) => {
    let hits = 0;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const p = parseApiKey(keys[i % keys.length]!.secret);
      if (p.ok && cache.get(hashApiKey(p.secret))) hits++;
    }
    const s = (performance.now() - t0) / 1000;
    if (hits !== n) throw new Error("verification failed");
    return n / s;
  };
  run(50_000);
  const rates = [run(300_000), run(300_000), run(300_000)].sort((a, b) => a - b);
  return { keyVerifyPerSecond: Math.round(rates[1]!), keyVerifyMicros: +(1e6 / rates[1]!).toFixed(2) };
}
