// Sign In With Solana message text. Pure and browser-safe: the client uses it to build the text
// for wallets that only support signMessage, the server uses it to parse what was signed.
// The text format must stay byte-identical to createSignInMessageText in
// @solana/wallet-standard-util, because wallets implementing solana:signIn build it themselves.

/**
 * Chain IDs we issue. We use the bare cluster names from the SIWS spec examples ("mainnet",
 * "devnet", "localnet"); some wallets and docs use the CAIP-style "solana:devnet", so
 * normalizeChainId accepts both when comparing.
 */
export const SIWS_CHAIN_IDS = ["mainnet", "devnet", "testnet", "localnet"] as const;
export type SiwsChainId = (typeof SIWS_CHAIN_IDS)[number];

/** What the server issues (and stores) for one sign-in attempt. */
export type SignInInput = {
  domain: string;
  /** Unset when the user has not picked an account yet; the wallet then fills it in. */
  address?: string;
  statement: string;
  uri: string;
  version: "1";
  chainId: string;
  nonce: string;
  issuedAt: string;
  expirationTime: string;
  notBefore?: string;
  requestId?: string;
  resources?: readonly string[];
};

/** Every field the standard text format can carry; only domain and address are mandatory. */
export type SignInMessageFields = {
  domain: string;
  address: string;
  statement?: string;
  uri?: string;
  version?: string;
  chainId?: string;
  nonce?: string;
  issuedAt?: string;
  expirationTime?: string;
  notBefore?: string;
  requestId?: string;
  resources?: readonly string[];
};

export type ParsedSignInMessage = SignInMessageFields;

const HEADER_SUFFIX = " wants you to sign in with your Solana account:";

type LineField = Exclude<keyof SignInMessageFields, "domain" | "address" | "statement" | "resources">;

// Standard order; the parser only accepts fields in this order, each at most once.
const LINE_FIELDS: ReadonlyArray<readonly [LineField, string]> = [
  ["uri", "URI: "],
  ["version", "Version: "],
  ["chainId", "Chain ID: "],
  ["nonce", "Nonce: "],
  ["issuedAt", "Issued At: "],
  ["expirationTime", "Expiration Time: "],
  ["notBefore", "Not Before: "],
  ["requestId", "Request ID: "],
];
const RESOURCES_LINE = "Resources:";
const RESOURCE_PREFIX = "- ";

/**
 * Mirrors the Wallet Standard util exactly, quirks included: falsy optional fields are
 * omitted, and an empty resources array still emits the "Resources:" line.
 */
export function createSignInMessageText(input: SignInMessageFields): string {
  let message = `${input.domain}${HEADER_SUFFIX}\n${input.address}`;
  if (input.statement) message += `\n\n${input.statement}`;
  const fields: string[] = [];
  for (const [name, label] of LINE_FIELDS) {
    const value = input[name];
    if (value) fields.push(`${label}${value}`);
  }
  if (input.resources) {
    fields.push(RESOURCES_LINE);
    for (const resource of input.resources) fields.push(`${RESOURCE_PREFIX}${resource}`);
  }
  if (fields.length) message += `\n\n${fields.join("\n")}`;
  return message;
}

export function normalizeChainId(chainId: string): SiwsChainId | null {
  const bare = chainId.startsWith("solana:") ? chainId.slice("solana:".length) : chainId;
  return (SIWS_CHAIN_IDS as readonly string[]).includes(bare) ? (bare as SiwsChainId) : null;
}

// Control characters (including CR) have no business in a sign-in message and would let two
// texts that look identical in a wallet prompt differ in bytes.
function hasControlChars(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x0a) || c === 0x7f) return true;
  }
  return false;
}

function isBase58Address(s: string): boolean {
  if (s.length < 32 || s.length > 44) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ok =
      (c >= 0x31 && c <= 0x39) || // 1-9
      (c >= 0x41 && c <= 0x5a && c !== 0x49 && c !== 0x4f) || // A-Z minus I, O
      (c >= 0x61 && c <= 0x7a && c !== 0x6c); // a-z minus l
    if (!ok) return false;
  }
  return true;
}

// RFC 3986 authority characters (EIP-4361 domain); rejects e.g. a sentence prefixed to the header.
function isAuthority(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const alnum = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
    if (!alnum && "-._~%!$&'()*+,;=:@[]".indexOf(s.charAt(i)) === -1) return false;
  }
  return true;
}

function isFieldLine(line: string): boolean {
  return line === RESOURCES_LINE || LINE_FIELDS.some(([, label]) => line.startsWith(label));
}

/**
 * Strict parse: returns null unless the whole text is exactly what createSignInMessageText
 * would produce for the parsed fields (no prefix, no trailing newline or garbage, known fields
 * only, standard order, no duplicates, no empty values). The util's own regex parser is
 * deliberately more lenient, so we do not reuse it for anything security-relevant.
 */
export function parseSignInMessageText(text: string): ParsedSignInMessage | null {
  if (hasControlChars(text)) return null;
  const lines = text.split("\n");
  // split always returns at least one element.
  const header = lines[0]!;
  if (!header.endsWith(HEADER_SUFFIX)) return null;
  const domain = header.slice(0, header.length - HEADER_SUFFIX.length);
  if (!isAuthority(domain)) return null;
  if (lines.length < 2) return null;
  const address = lines[1]!;
  if (!isBase58Address(address)) return null;

  const parsed: {
    -readonly [K in keyof SignInMessageFields]: SignInMessageFields[K];
  } = { domain, address };
  let i = 2;
  if (i < lines.length) {
    if (lines[i] !== "") return null;
    i++;
    // Same tie-break as the util: a first block that starts like a field is the field block.
    if (i >= lines.length) return null;
    if (!isFieldLine(lines[i]!)) {
      parsed.statement = lines[i]!;
      i++;
      if (i < lines.length) {
        if (lines[i] !== "") return null;
        i++;
        if (i >= lines.length) return null;
      }
    }
  }

  let nextField = 0;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === RESOURCES_LINE) {
      const resources = lines.slice(i + 1);
      for (const r of resources) {
        if (!r.startsWith(RESOURCE_PREFIX) || r.length === RESOURCE_PREFIX.length) return null;
      }
      parsed.resources = resources.map((r) => r.slice(RESOURCE_PREFIX.length));
      break;
    }
    let matched = false;
    for (; nextField < LINE_FIELDS.length; nextField++) {
      const [name, label] = LINE_FIELDS[nextField]!;
      if (line.startsWith(label)) {
        parsed[name] = line.slice(label.length);
        nextField++;
        matched = true;
        break;
      }
    }
    if (!matched) return null; // unknown, duplicated or out-of-order field
  }

  // Canonical-form check: rejects anything the builder would not emit byte-for-byte
  // (empty values, a field block without fields, and similar edge cases).
  return createSignInMessageText(parsed) === text ? parsed : null;
}
