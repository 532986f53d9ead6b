import "server-only";
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import bs58 from "bs58";
import nacl from "tweetnacl";
import { address, createKeyPairSignerFromBytes, createSolanaRpc, lamports, type KeyPairSigner } from "@solana/kit";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/log";

// The in-process facilitator co-signs every x402 payment as its fee payer and pays the SOL fees.
// In production its key comes from X402_FEE_PAYER_SECRET; on the local cluster a key is created
// once under DATA_DIR and topped up with airdropped SOL, so `npm run dev` needs no setup.
export const FEE_PAYER_FILE = "x402-fee-payer.json";
const MIN_LAMPORTS = 1_000_000_000n; // 1 SOL: thousands of payments at 5,000 lamports each
const AIRDROP_LAMPORTS = 10_000_000_000n;

export function parseSecretKey(secret: string): Uint8Array {
  const s = secret.trim();
  let bytes: Uint8Array;
  try {
    bytes = s.startsWith("[") ? Uint8Array.from(JSON.parse(s) as number[]) : bs58.decode(s);
  } catch {
    throw new Error("X402_FEE_PAYER_SECRET must be a base58 secret key or a JSON array of 64 bytes");
  }
  if (bytes.length !== 64) throw new Error("X402_FEE_PAYER_SECRET must hold a 64-byte Solana secret key");
  return bytes;
}

/** Reads the persisted local key, or creates it; two processes racing here end up with the same key. */
function localSecret(dataDir: string): Uint8Array {
  const file = path.join(dataDir, FEE_PAYER_FILE);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true });
    const tmp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
    const kp = nacl.sign.keyPair();
    fs.writeFileSync(tmp, JSON.stringify(Array.from(kp.secretKey)), { mode: 0o600 });
    try {
      fs.linkSync(tmp, file); // fails if another process won the race: then we use theirs
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  }
  return parseSecretKey(fs.readFileSync(file, "utf8"));
}

async function fundOnLocalnet(signer: KeyPairSigner, rpcUrl: string): Promise<void> {
  const rpc = createSolanaRpc(rpcUrl);
  const who = address(signer.address);
  const { value } = await rpc.getBalance(who, { commitment: "confirmed" }).send();
  if (value >= MIN_LAMPORTS) return;
  await rpc.requestAirdrop(who, lamports(AIRDROP_LAMPORTS)).send();
  for (let i = 0; i < 40; i++) {
    const { value: now } = await rpc.getBalance(who, { commitment: "confirmed" }).send();
    if (now >= MIN_LAMPORTS) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("the local cluster did not fund the x402 fee payer");
}

/** The fee payer's signer; funded first when running against the local cluster. */
export async function loadFeePayer(): Promise<KeyPairSigner> {
  const e = env();
  let secret: Uint8Array;
  if (e.X402_FEE_PAYER_SECRET) secret = parseSecretKey(e.X402_FEE_PAYER_SECRET);
  else if (e.SOLANA_CLUSTER === "localnet") secret = localSecret(path.resolve(e.DATA_DIR));
  else {
    logger().error("X402_FACILITATOR=local needs X402_FEE_PAYER_SECRET off the local cluster");
    throw new AppError("unavailable", "Pay-per-call (x402) is not configured on this server. Use an API key instead.");
  }
  const signer = await createKeyPairSignerFromBytes(secret);
  if (e.SOLANA_CLUSTER === "localnet") await fundOnLocalnet(signer, e.rpcUrl);
  return signer;
}
