import { b58encode } from "./json";

export const TOKEN_PROGRAM = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
export const TOKEN_2022_PROGRAM = "TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb";
export const TOKEN_PROGRAMS = [TOKEN_PROGRAM, TOKEN_2022_PROGRAM];

/** The account fields the parsers need; litesvm's EncodedAccount satisfies it. */
export interface RawAccount {
  programAddress: string;
  data: Uint8Array;
}

export interface UiTokenAmount {
  amount: string;
  decimals: number;
  uiAmount: number | null;
  uiAmountString: string;
}
export interface TokenAccountInfo {
  mint: string;
  owner: string;
  amount: bigint;
  delegate: string | null;
  state: number;
  isNative: bigint | null;
  delegatedAmount: bigint;
  closeAuthority: string | null;
}
export interface MintInfo {
  mintAuthority: string | null;
  supply: bigint;
  decimals: number;
  isInitialized: boolean;
  freezeAuthority: string | null;
}

const ACCOUNT_LEN = 165;
const MINT_LEN = 82;
// Token-2022 accounts with extensions are longer than 165 bytes and carry an AccountType byte at offset 165.
const isType = (a: RawAccount, len: number, type: number): boolean =>
  TOKEN_PROGRAMS.includes(a.programAddress) &&
  (a.data.length === len ||
    (a.programAddress === TOKEN_2022_PROGRAM && a.data.length > ACCOUNT_LEN && a.data[ACCOUNT_LEN] === type));

const u64 = (d: Uint8Array, at: number): bigint => new DataView(d.buffer, d.byteOffset + at, 8).getBigUint64(0, true);
const u32 = (d: Uint8Array, at: number): number => new DataView(d.buffer, d.byteOffset + at, 4).getUint32(0, true);
const key = (d: Uint8Array, at: number): string => b58encode(d.subarray(at, at + 32));
const optKey = (d: Uint8Array, at: number): string | null => (u32(d, at) === 1 ? key(d, at + 4) : null);

export function parseTokenAccount(a: RawAccount): TokenAccountInfo | null {
  if (!isType(a, ACCOUNT_LEN, 2)) return null;
  const d = a.data;
  if (d[108] === 0) return null; // uninitialized
  return {
    mint: key(d, 0),
    owner: key(d, 32),
    amount: u64(d, 64),
    delegate: optKey(d, 72),
    state: d[108]!,
    isNative: u32(d, 109) === 1 ? u64(d, 113) : null,
    delegatedAmount: u64(d, 121),
    closeAuthority: optKey(d, 129),
  };
}

export function parseMint(a: RawAccount): MintInfo | null {
  if (!isType(a, MINT_LEN, 1)) return null;
  const d = a.data;
  return {
    mintAuthority: optKey(d, 0),
    supply: u64(d, 36),
    decimals: d[44]!,
    isInitialized: d[45] === 1,
    freezeAuthority: optKey(d, 46),
  };
}

export function uiTokenAmount(amount: bigint, decimals: number): UiTokenAmount {
  const scale = 10n ** BigInt(decimals);
  const frac = (amount % scale).toString().padStart(decimals, "0").replace(/0+$/, "");
  const uiAmountString = frac ? `${amount / scale}.${frac}` : `${amount / scale}`;
  return { amount: amount.toString(), decimals, uiAmount: Number(uiAmountString), uiAmountString };
}

const programName = (owner: string): string => (owner === TOKEN_2022_PROGRAM ? "spl-token-2022" : "spl-token");

/** The `jsonParsed` rendering of a token account or mint, or null when it is neither. */
export function jsonParsedToken(a: RawAccount, decimalsOf: (mint: string) => number): Record<string, unknown> | null {
  const acct = parseTokenAccount(a);
  if (acct) {
    const decimals = decimalsOf(acct.mint);
    const info: Record<string, unknown> = {
      isNative: acct.isNative !== null,
      mint: acct.mint,
      owner: acct.owner,
      state: acct.state === 2 ? "frozen" : "initialized",
      tokenAmount: uiTokenAmount(acct.amount, decimals),
    };
    if (acct.delegate) {
      info.delegate = acct.delegate;
      info.delegatedAmount = uiTokenAmount(acct.delegatedAmount, decimals);
    }
    if (acct.closeAuthority) info.closeAuthority = acct.closeAuthority;
    if (acct.isNative !== null) info.rentExemptReserve = uiTokenAmount(acct.isNative, decimals);
    return { program: programName(a.programAddress), parsed: { info, type: "account" }, space: a.data.length };
  }
  const mint = parseMint(a);
  if (mint) {
    const info = {
      decimals: mint.decimals,
      freezeAuthority: mint.freezeAuthority,
      isInitialized: mint.isInitialized,
      mintAuthority: mint.mintAuthority,
      supply: mint.supply.toString(),
    };
    return { program: programName(a.programAddress), parsed: { info, type: "mint" }, space: a.data.length };
  }
  return null;
}

export interface TokenBalance {
  accountIndex: number;
  mint: string;
  owner: string;
  programId: string;
  uiTokenAmount: UiTokenAmount;
}

/** Token balances of a transaction's account keys, in the pre/postTokenBalances shape. */
export function tokenBalances(
  keys: string[],
  load: (address: string) => RawAccount | null,
  decimalsOf: (mint: string) => number,
): TokenBalance[] {
  const out: TokenBalance[] = [];
  keys.forEach((address, accountIndex) => {
    const raw = load(address);
    const acct = raw && parseTokenAccount(raw);
    if (!raw || !acct) return;
    out.push({
      accountIndex,
      mint: acct.mint,
      owner: acct.owner,
      programId: raw.programAddress,
      uiTokenAmount: uiTokenAmount(acct.amount, decimalsOf(acct.mint)),
    });
  });
  return out;
}
