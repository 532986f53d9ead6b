/**
 * Decodes base64 (standard or url-safe) JSON headers such as PAYMENT-REQUIRED / PAYMENT-RESPONSE.
 * Hand-rolled on atob + TextDecoder so it runs in browsers and edge runtimes without Buffer,
 * and so API-key users never load the x402 packages just to read an error.
 * Returns undefined instead of throwing: a garbled header must not hide the real error.
 */
export function decodeBase64Json(value: string | null | undefined): unknown {
  if (!value) return undefined;
  try {
    const normalized = value.trim().replace(/-/g, "+").replace(/_/g, "/");
    const padded = normalized + "=".repeat((4 - (normalized.length % 4)) % 4);
    const binary = atob(padded);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
