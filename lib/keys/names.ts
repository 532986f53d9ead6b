import { AppError } from "@/lib/errors";
import { KEY_NAME_MAX } from "./limits";

// Names end up in tables, CSV exports, logs and terminals, so they must show what they say:
// no control characters (C0, DEL, C1 incl. U+0085 NEL), no line or paragraph separators
// (U+2028/2029), no lone surrogates, and no invisible format characters (category Cf: bidi
// embeddings, overrides and isolates U+202A–202E and U+2066–2069, marks U+200E/200F/061C,
// zero-width space U+200B, word joiner U+2060, BOM U+FEFF, soft hyphen U+00AD, …), which can
// reorder or hide text. Allowed among the Cf: ZWNJ/ZWJ (U+200C/200D, needed by Persian, Indic
// scripts and emoji sequences) and the emoji tag characters of flags like 🏴󠁧󠁢󠁥󠁮󠁧󠁿.
const REFUSED = /[\p{Cc}\p{Zl}\p{Zp}\p{Cs}]|(?![\u200C\u200D\u{E0020}-\u{E007F}])\p{Cf}/u;
const REFUSED_ALL = new RegExp(REFUSED.source, "gu");

export function normalizeKeyName(name: string): string {
  const n = name.trim();
  if (n.length < 1 || n.length > KEY_NAME_MAX)
    throw new AppError("invalid_request", `name: must be 1 to ${KEY_NAME_MAX} characters.`);
  if (REFUSED.test(n)) {
    throw new AppError(
      "invalid_request",
      "name: must not contain control characters, line breaks or invisible formatting characters.",
    );
  }
  return n;
}

/** A name stored before these rules, made acceptable (a roll copies the name it replaces). */
export function cleanStoredKeyName(name: string): string {
  const n = name.replace(REFUSED_ALL, "").trim();
  return n.length > 0 ? n : "Rolled key";
}
