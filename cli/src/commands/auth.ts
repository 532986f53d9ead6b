import type { SolanaSignInInput } from "@solana/wallet-standard-features";
import { createSignInMessageText } from "@solana/wallet-standard-util";
import { CliError } from "../errors.js";
import { loadKeypair } from "../keypair.js";
import { defaultKeypairFile, expandHome } from "../paths.js";
import { forgetSession, saveSession } from "../session-store.js";
import { str, type Ctx } from "../context.js";

const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");

/** Signs the server's SIWS challenge with the keypair file and stores the session cookie. */
export async function login(ctx: Ctx) {
  const file = expandHome(str(ctx, "keypair") ?? defaultKeypairFile());
  const kp = loadKeypair(file);
  const { input } = await ctx.api.get<{ input: SolanaSignInInput }>(`/api/auth/challenge?address=${kp.address}`);
  if (!input?.nonce || !input.domain) throw new CliError("invalid_response", "The server sent no sign-in challenge.");
  const message = new TextEncoder().encode(
    createSignInMessageText({ ...input, domain: input.domain, address: kp.address }),
  );
  const res = await ctx.api.post<{ wallet: string }>("/api/auth/verify", {
    output: {
      account: { address: kp.address, publicKey: b64(kp.publicKey) },
      signedMessage: b64(message),
      signature: b64(kp.signMessage(message)),
    },
  });
  const cookie = sessionCookie(res.headers);
  if (!cookie) throw new CliError("invalid_response", "The server signed us in but set no session cookie.");
  saveSession(ctx.api.origin, {
    cookie: cookie.pair,
    wallet: res.data.wallet,
    expiresAt: cookie.expiresAt,
    keypair: kp.path,
  });
  ctx.print({ wallet: res.data.wallet, url: ctx.api.origin }, `Signed in to ${ctx.api.origin} as ${res.data.wallet}.`);
}

export async function logout(ctx: Ctx) {
  if (ctx.api.session) {
    // The server forgets the session too; if it already has, there is nothing left to do.
    await ctx.api.post("/api/auth/logout").catch(() => undefined);
  }
  const was = forgetSession(ctx.api.origin);
  ctx.print(
    { loggedOut: was, url: ctx.api.origin },
    was ? `Signed out of ${ctx.api.origin}.` : `Not signed in to ${ctx.api.origin}.`,
  );
}

function sessionCookie(headers: Headers): { pair: string; expiresAt?: string } | undefined {
  const all = typeof headers.getSetCookie === "function" ? headers.getSetCookie() : [headers.get("set-cookie") ?? ""];
  for (const line of all) {
    const [pair, ...attrs] = line.split(";").map((s) => s.trim());
    if (!pair || !/^(__Host-)?sr_session=/.test(pair)) continue;
    const expires = attrs.find((a) => /^expires=/i.test(a))?.slice(8);
    const maxAge = attrs.find((a) => /^max-age=/i.test(a))?.slice(8);
    const at = maxAge ? new Date(Date.now() + Number(maxAge) * 1000) : expires ? new Date(expires) : undefined;
    return { pair, expiresAt: at && !Number.isNaN(at.getTime()) ? at.toISOString() : undefined };
  }
  return undefined;
}
