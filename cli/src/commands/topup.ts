// `solrouter topup <usd>`: the Billing page's flow from a keypair file. Create an intent, pay it
// with the same transfer (`@solrouter/sdk/topup`, which the page uses too), then ask the server to confirm
// until it has credited the balance. Crediting is once per intent and signature on the server,
// so asking again (or the page asking too) is harmless.
import type { Connection, PublicKey } from "@solana/web3.js";
import { CliError } from "../errors.js";
import { usd, parseUsd } from "../format.js";
import { loadKeypair } from "../keypair.js";
import { defaultKeypairFile, expandHome } from "../paths.js";
import { str, type Ctx } from "../context.js";

interface Topup {
  id: string;
  token: "USDC" | "ROUTER";
  mint: string;
  decimals: number;
  amount: string;
  creditMicro: number;
  payToTokenAccount: string | null;
  tokenProgram: string | null;
  reference: string;
  memo: string;
  expiresAt: string;
  status: string;
}

const POLL_MS = 1_500;
const GIVE_UP_MS = 180_000;
const FEE_RESERVE_LAMPORTS = 10_000;

export async function topup(ctx: Ctx) {
  const amountText = ctx.positionals[0];
  const creditMicro = amountText === undefined ? undefined : parseUsd(amountText);
  if (creditMicro === undefined)
    throw new CliError("invalid_arguments", "topup needs an amount in dollars, e.g. solrouter topup 5");
  const tokenFlag = (str(ctx, "token") ?? "usdc").toLowerCase();
  if (tokenFlag !== "usdc" && tokenFlag !== "router")
    throw new CliError("invalid_arguments", `--token must be usdc or router (got "${tokenFlag}").`);
  const session = ctx.api.session!;
  const kp = loadKeypair(expandHome(str(ctx, "keypair") ?? session.keypair ?? defaultKeypairFile()));
  if (kp.address !== session.wallet)
    throw new CliError(
      "wrong_wallet",
      `${kp.path} is ${kp.address}, but you are signed in as ${session.wallet}. Pass the keypair you signed in with.`,
    );

  const config = await ctx.api.get<{ rpcUrl: string; cluster: string }>("/api/config");
  const rpcUrl = str(ctx, "rpc") ?? config.rpcUrl;
  const { data } = await ctx.api.post<{ topup: Topup }>("/api/topups", {
    token: tokenFlag.toUpperCase(),
    creditMicro: Number(creditMicro),
  });
  const t = data.topup;
  if (!t.payToTokenAccount || !t.tokenProgram)
    throw new CliError(
      "unavailable",
      "The server could not look up the treasury's token account. Try again in a moment.",
    );
  const label = t.token === "USDC" ? "USDC" : "$ROUTER";
  const pay = `${tokenAmount(t.amount, t.decimals)} ${label}`;
  ctx.progress(`Top-up ${t.id}: paying ${pay} for ${usd(t.creditMicro)} of credit (${config.cluster}).`);

  // Loaded only here: web3.js takes a while to load and no other command needs it.
  const { Connection, Keypair, PublicKey } = await import("@solana/web3.js");
  const { payerTokenAccount, buildTopupTransaction } = await import("@solrouter/sdk/topup");
  const payer = Keypair.fromSecretKey(kp.secretKey);
  const conn = new Connection(rpcUrl, "confirmed");
  const programId = new PublicKey(t.tokenProgram);
  const ata = payerTokenAccount(payer.publicKey, t.mint, programId);
  await checkFunds(conn, payer.publicKey, ata, t, label);
  const blockhash = await rpc(() => conn.getLatestBlockhash("confirmed"), rpcUrl);
  const payment = { ...t, payToTokenAccount: t.payToTokenAccount };
  const tx = buildTopupTransaction(payer.publicKey, payment, programId, blockhash);
  tx.sign(payer);
  const signature = await rpc(
    () => conn.sendRawTransaction(tx.serialize(), { preflightCommitment: "confirmed", maxRetries: 5 }),
    rpcUrl,
  );
  ctx.progress(`Sent ${signature}. Waiting until it is confirmed and credited…`);

  const done = await waitForCredit(ctx, conn, t.id, signature);
  ctx.print(
    { topup: done.topup, balanceMicro: done.balanceMicro, signature },
    `Credited ${usd(t.creditMicro)}. Balance: ${usd(done.balanceMicro)}.`,
  );
}

async function waitForCredit(ctx: Ctx, conn: Connection, id: string, signature: string) {
  const started = Date.now();
  for (let i = 0; ; i++) {
    const res = await ctx.api.post<{ topup: Topup; balanceMicro: number }>(`/api/topups/${id}/confirm`, { signature });
    if (res.status === 200) return res.data;
    const status = await conn.getSignatureStatus(signature).catch(() => undefined);
    if (status?.value?.err)
      throw new CliError(
        "transfer_failed",
        `The transfer ${signature} failed on chain; nothing was credited (only the network fee was spent).`,
      );
    if (Date.now() - started > GIVE_UP_MS)
      throw new CliError(
        "timeout",
        `Not credited after ${GIVE_UP_MS / 1000} s. It will be credited once it confirms; check solrouter balance.`,
      );
    if (i > 0 && i % 10 === 0) ctx.progress(`Still waiting (${Math.round((Date.now() - started) / 1000)} s)…`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

async function checkFunds(conn: Connection, owner: PublicKey, ata: PublicKey, t: Topup, label: string) {
  const [lamports, tokens] = await Promise.all([
    rpc(() => conn.getBalance(owner), conn.rpcEndpoint),
    conn.getTokenAccountBalance(ata).then(
      (b) => BigInt(b.value.amount),
      () => 0n, // no token account yet: holds nothing
    ),
  ]);
  if (tokens < BigInt(t.amount))
    throw new CliError(
      "insufficient_funds",
      `This top-up needs ${tokenAmount(t.amount, t.decimals)} ${label}; ${owner.toBase58()} holds ${tokenAmount(tokens, t.decimals)}.`,
    );
  if (lamports < FEE_RESERVE_LAMPORTS)
    throw new CliError("insufficient_funds", `${owner.toBase58()} has no SOL for the network fee (about 0.00001 SOL).`);
}

async function rpc<T>(fn: () => Promise<T>, url: string): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw new CliError("rpc_error", `The Solana RPC at ${url} failed: ${(err as Error).message}`);
  }
}

function tokenAmount(base: string | bigint, decimals: number): string {
  const v = BigInt(base);
  const scale = 10n ** BigInt(decimals);
  const frac = (v % scale).toString().padStart(decimals, "0").replace(/0+$/, "");
  return frac ? `${v / scale}.${frac}` : `${v / scale}`;
}
