import { address } from "@solana/kit";
import { b58decode, configParam, invalidParams, pubkeyParam, RpcError } from "./json";
import { fromEncoded, type Account } from "./ledger";
import { arrayParam, encodeAccount, withContext, type Handler, type RpcContext } from "./rpc-context";
import { parseMint, parseTokenAccount, TOKEN_PROGRAMS, uiTokenAmount } from "./token-accounts";

function programAccounts(ctx: RpcContext, program: string): Account[] {
  return ctx.ledger.svm.getProgramAccounts(address(program)).map(fromEncoded);
}

function matchesFilters(account: Account, filters: unknown): boolean {
  if (filters === undefined || filters === null) return true;
  for (const f of arrayParam(filters, "filters") as Record<string, unknown>[]) {
    if (typeof f.dataSize === "number") {
      if (account.data.length !== f.dataSize) return false;
    } else if (f.memcmp && typeof f.memcmp === "object") {
      const { offset, bytes, encoding } = f.memcmp as { offset?: unknown; bytes?: unknown; encoding?: unknown };
      if (typeof offset !== "number" || typeof bytes !== "string") throw invalidParams("bad memcmp filter");
      const want = encoding === "base64" ? Buffer.from(bytes, "base64") : Buffer.from(b58decode(bytes));
      if (!Buffer.from(account.data.subarray(offset, offset + want.length)).equals(want)) return false;
    } else {
      throw invalidParams("unsupported filter");
    }
  }
  return true;
}

const keyed = (ctx: RpcContext, accounts: Account[], config: Record<string, unknown>) =>
  accounts.map((a) => ({ pubkey: a.address, account: encodeAccount(ctx, a, config) }));

function tokenAccountOrThrow(ctx: RpcContext, pubkey: string) {
  const account = ctx.ledger.getAccount(pubkey);
  const info = account && parseTokenAccount(account);
  if (!info) throw new RpcError(-32602, "Invalid param: not a Token account");
  return info;
}

function mintOrThrow(ctx: RpcContext, pubkey: string) {
  const account = ctx.ledger.getAccount(pubkey);
  const info = account && parseMint(account);
  if (!account || !info) throw new RpcError(-32602, "Invalid param: not a Token mint");
  return { account, info };
}

function u64Param(value: unknown, what: string): bigint {
  const text = typeof value === "number" && Number.isSafeInteger(value) ? String(value) : value;
  if (typeof text !== "string" || !/^\d+$/.test(text)) throw invalidParams(`${what} must be a non-negative integer`);
  const n = BigInt(text);
  if (n >= 1n << 64n) throw invalidParams(`${what} does not fit in u64`);
  return n;
}

export const accountMethods: Record<string, Handler> = {
  getAccountInfo: (params, ctx) => {
    const account = ctx.ledger.getAccount(pubkeyParam(params[0]));
    return withContext(ctx, account && encodeAccount(ctx, account, configParam(params, 1)));
  },

  getMultipleAccounts: (params, ctx) => {
    const keys = arrayParam(params[0], "public keys").map(pubkeyParam);
    if (keys.length > 100) throw invalidParams("Too many inputs provided; max 100");
    const config = configParam(params, 1);
    return withContext(
      ctx,
      keys.map((k) => {
        const account = ctx.ledger.getAccount(k);
        return account && encodeAccount(ctx, account, config);
      }),
    );
  },

  getBalance: (params, ctx) => withContext(ctx, ctx.ledger.getAccount(pubkeyParam(params[0]))?.lamports ?? 0n),

  getProgramAccounts: (params, ctx) => {
    const config = configParam(params, 1);
    const list = programAccounts(ctx, pubkeyParam(params[0])).filter((a) => matchesFilters(a, config.filters));
    const value = keyed(ctx, list, config);
    return config.withContext ? withContext(ctx, value) : value;
  },

  getTokenAccountBalance: (params, ctx) => {
    const info = tokenAccountOrThrow(ctx, pubkeyParam(params[0]));
    return withContext(ctx, uiTokenAmount(info.amount, ctx.ledger.decimalsOf(info.mint)));
  },

  getTokenAccountsByOwner: (params, ctx) => {
    const owner = pubkeyParam(params[0]);
    const filter = configParam(params, 1);
    const config = configParam(params, 2);
    let programs: string[];
    let mint: string | undefined;
    if (typeof filter.mint === "string") {
      mint = pubkeyParam(filter.mint);
      programs = [mintOrThrow(ctx, mint).account.programAddress];
    } else if (typeof filter.programId === "string") {
      programs = [pubkeyParam(filter.programId)];
      if (!TOKEN_PROGRAMS.includes(programs[0]!))
        throw new RpcError(-32602, "Invalid param: unrecognized Token program id");
    } else {
      throw invalidParams("expected { mint } or { programId }");
    }
    const list = programs
      .flatMap((p) => programAccounts(ctx, p))
      .filter((a) => {
        const info = parseTokenAccount(a);
        return !!info && info.owner === owner && (mint === undefined || info.mint === mint);
      });
    return withContext(ctx, keyed(ctx, list, config));
  },

  getTokenSupply: (params, ctx) => {
    const { info } = mintOrThrow(ctx, pubkeyParam(params[0]));
    return withContext(ctx, uiTokenAmount(info.supply, info.decimals));
  },

  getTokenLargestAccounts: (params, ctx) => {
    const mint = pubkeyParam(params[0]);
    const { account, info } = mintOrThrow(ctx, mint);
    const holders = programAccounts(ctx, account.programAddress)
      .map((a) => ({ address: a.address, token: parseTokenAccount(a) }))
      .filter((h) => h.token?.mint === mint)
      .sort((a, b) => (b.token!.amount > a.token!.amount ? 1 : b.token!.amount < a.token!.amount ? -1 : 0))
      .slice(0, 20);
    return withContext(
      ctx,
      holders.map((h) => ({ address: h.address, ...uiTokenAmount(h.token!.amount, info.decimals) })),
    );
  },

  getMinimumBalanceForRentExemption: (params, ctx) =>
    ctx.ledger.svm.minimumBalanceForRentExemption(u64Param(params[0] ?? 0, "data length")),

  requestAirdrop: (params, ctx) => {
    const amount = u64Param(params[1], "lamports");
    if (amount === 0n) throw invalidParams("lamports must be positive");
    return ctx.faucet.airdrop(pubkeyParam(params[0]), amount);
  },

  /** Dev-only: `[owner, mint, amountBaseUnits]` → signature of an idempotent ATA creation plus mintTo. */
  requestTokenAirdrop: (params, ctx) =>
    ctx.faucet.tokenAirdrop(pubkeyParam(params[0]), pubkeyParam(params[1]), u64Param(params[2], "amount")),
};
