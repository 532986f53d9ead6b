import type { ActivityItem } from "./security-api";

const usd = (micro: unknown) => (typeof micro === "string" ? `$${(Number(micro) / 1e6).toFixed(2)}` : "no cap");

/** One readable line per event kind; details are small and known per kind. */
export function describeEvent(e: ActivityItem): string {
  const d = e.details as Record<string, unknown>;
  const key = typeof d.name === "string" ? `“${d.name}”` : "a key";
  switch (e.kind) {
    case "signed_in":
      return "Signed in";
    case "signed_out":
      return "Signed out";
    case "session_ended":
      return "Signed out another session";
    case "other_sessions_ended":
      return `Signed out everywhere else (${String(d.count ?? 0)} sessions)`;
    case "key_created":
      return `Created key ${key}`;
    case "key_rolled":
      return `Rolled key ${key}`;
    case "key_revoked":
      return `Revoked key ${key}`;
    case "key_edited":
      return "oldCapMicro" in d || "newCapMicro" in d
        ? `Changed the cap of ${key} from ${usd(d.oldCapMicro)} to ${usd(d.newCapMicro)}`
        : `Edited key ${key}`;
    case "topup_credited":
      return `Top-up credited: ${typeof d.creditMicro === "string" ? usd(d.creditMicro) : ""} ${typeof d.token === "string" ? `(${d.token})` : ""}`.trim();
    default:
      return e.kind;
  }
}

/** A short browser label from a user agent string, e.g. "Firefox on Linux". */
export function browserOf(ua: string | null): string {
  if (!ua) return "Unknown";
  const browser = /Edg\//.test(ua)
    ? "Edge"
    : /Firefox\//.test(ua)
      ? "Firefox"
      : /Chrome\//.test(ua)
        ? "Chrome"
        : /Safari\//.test(ua)
          ? "Safari"
          : null;
  const os = /Windows/.test(ua)
    ? "Windows"
    : /Android/.test(ua)
      ? "Android"
      : /iPhone|iPad/.test(ua)
        ? "iOS"
        : /Mac OS X/.test(ua)
          ? "macOS"
          : /Linux/.test(ua)
            ? "Linux"
            : null;
  return browser ? `${browser}${os ? ` on ${os}` : ""}` : ua.slice(0, 60);
}
