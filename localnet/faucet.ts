import { randomBytes } from "node:crypto";
import { address, lamports } from "@solana/kit";
import {
  createAssociatedTokenAccountIdempotentInstruction,
  createInitializeMint2Instruction,
  createMintToCheckedInstruction,
  getAssociatedTokenAddressSync,
  MINT_SIZE,
  TOKEN_PROGRAM_ID,
} from "../lib/solana/spl";
import {
  Keypair,
  LAMPORTS_PER_SOL,
  PublicKey,
  SystemProgram,
  Transaction,
  type TransactionInstruction,
} from "@solana/web3.js";
import { describeTxError } from "./errors";
import { b58encode, RpcError } from "./json";
import type { Ledger } from "./ledger";
import type { KeyName } from "./persistence";
import { parseMint } from "./token-accounts";

export const USDC_DECIMALS = 6;
export const ROUTER_DECIMALS = 6;
// Re-set on every start before the journal replays, so the faucet's balance is a pure function of the journal.
const FAUCET_LAMPORTS = 1_000_000_000n * BigInt(LAMPORTS_PER_SOL);
const TREASURY_LAMPORTS = 10n * BigInt(LAMPORTS_PER_SOL);

/**
 * Airdrops and genesis are ordinary transactions signed by keys the localnet holds, so they show up in
 * history, confirm over signatureSubscribe, and persist through the same journal as user transactions.
 */
export class Faucet {
  constructor(
    private readonly ledger: Ledger,
    private readonly keys: Record<KeyName, Keypair>,
  ) {}

  fundFaucet(): void {
    this.ledger.svm.setAccount({
      address: address(this.keys.faucet.publicKey.toBase58()),
      lamports: lamports(FAUCET_LAMPORTS),
      data: new Uint8Array(),
      programAddress: address(SystemProgram.programId.toBase58()),
      executable: false,
      space: 0n,
    });
  }

  /** Creates whatever part of the genesis setup is missing (all of it on first start, nothing after a replay). */
  ensureGenesis(): void {
    for (const mint of [this.keys.usdcMint, this.keys.routerMint]) {
      if (this.ledger.getAccount(mint.publicKey.toBase58())) continue;
      const decimals = mint === this.keys.usdcMint ? USDC_DECIMALS : ROUTER_DECIMALS;
      const rent = Number(this.ledger.svm.minimumBalanceForRentExemption(BigInt(MINT_SIZE)));
      this.send(
        [
          SystemProgram.createAccount({
            fromPubkey: this.keys.faucet.publicKey,
            newAccountPubkey: mint.publicKey,
            lamports: rent,
            space: MINT_SIZE,
            programId: TOKEN_PROGRAM_ID,
          }),
          createInitializeMint2Instruction(
            mint.publicKey,
            decimals,
            this.keys.mintAuthority.publicKey,
            null,
            TOKEN_PROGRAM_ID,
          ),
        ],
        [mint],
      );
    }
    const treasury = this.keys.treasury.publicKey.toBase58();
    if (!this.ledger.getAccount(treasury)) this.airdrop(treasury, TREASURY_LAMPORTS);
    for (const mint of [this.keys.usdcMint, this.keys.routerMint]) {
      if (!this.ledger.getAccount(this.ataOf(treasury, mint.publicKey.toBase58(), TOKEN_PROGRAM_ID).toBase58())) {
        this.tokenAirdrop(treasury, mint.publicKey.toBase58(), 0n);
      }
    }
  }

  ataOf(owner: string, mint: string, programId: PublicKey): PublicKey {
    return getAssociatedTokenAddressSync(new PublicKey(mint), new PublicKey(owner), true, programId);
  }

  airdrop(to: string, amount: bigint): string {
    const toPubkey = new PublicKey(to);
    return this.send(
      [SystemProgram.transfer({ fromPubkey: this.keys.faucet.publicKey, toPubkey, lamports: amount })],
      [],
    );
  }

  /** Creates the owner's associated token account if needed and mints `amount` base units into it. */
  tokenAirdrop(owner: string, mint: string, amount: bigint): string {
    const mintAccount = this.ledger.getAccount(mint);
    const info = mintAccount && parseMint(mintAccount);
    if (!mintAccount || !info) throw new RpcError(-32602, `Invalid params: ${mint} is not a token mint`);
    if (info.mintAuthority !== this.keys.mintAuthority.publicKey.toBase58()) {
      throw new RpcError(-32602, `Invalid params: the localnet does not hold the mint authority of ${mint}`);
    }
    const programId = new PublicKey(mintAccount.programAddress);
    const mintPk = new PublicKey(mint);
    const ownerPk = new PublicKey(owner);
    const ata = this.ataOf(owner, mint, programId);
    const ixs: TransactionInstruction[] = [
      createAssociatedTokenAccountIdempotentInstruction(this.keys.faucet.publicKey, ata, ownerPk, mintPk, programId),
    ];
    if (amount > 0n) {
      const authority = this.keys.mintAuthority.publicKey;
      ixs.push(createMintToCheckedInstruction(mintPk, ata, authority, amount, info.decimals, programId));
    }
    return this.send(ixs, amount > 0n ? [this.keys.mintAuthority] : []);
  }

  private send(instructions: TransactionInstruction[], extraSigners: Keypair[]): string {
    // A random blockhash makes every faucet transaction unique, so two identical requests never collide as duplicates.
    const tx = new Transaction({ feePayer: this.keys.faucet.publicKey, recentBlockhash: b58encode(randomBytes(32)) });
    tx.add(...instructions);
    tx.sign(this.keys.faucet, ...extraSigners);
    const outcome = this.ledger.execute(new Uint8Array(tx.serialize()), { checkBlockhash: false });
    if (outcome.err || !outcome.record) {
      const reason = outcome.err ? describeTxError(outcome.err) : "not processed";
      throw new RpcError(-32603, `airdrop failed: ${reason}`, { err: outcome.err, logs: outcome.logs });
    }
    return outcome.signature;
  }
}
