import { b58decode } from "./json";
import { TOKEN_2022_PROGRAM, TOKEN_PROGRAMS, uiTokenAmount } from "./token-accounts";
import { MEMO_PROGRAMS } from "./wire";

const SYSTEM_PROGRAM = "11111111111111111111111111111111";

/**
 * The `jsonParsed` form of an instruction. Only what payment verifiers look at (token transfers, SOL
 * transfers, memos) is decoded; everything else uses the real node's partially-decoded fallback.
 */
export function parseInstruction(
  programId: string,
  accounts: string[],
  dataB58: string,
  stackHeight: number | null,
): Record<string, unknown> {
  const data = b58decode(dataB58);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const parsed = (program: string, type: string, info: Record<string, unknown>) => ({
    parsed: { info, type },
    program,
    programId,
    stackHeight,
  });
  if (MEMO_PROGRAMS.has(programId)) {
    return { parsed: Buffer.from(data).toString("utf8"), program: "spl-memo", programId, stackHeight };
  }
  if (programId === SYSTEM_PROGRAM && data.length >= 12 && view.getUint32(0, true) === 2 && accounts.length >= 2) {
    const info = { source: accounts[0], destination: accounts[1], lamports: Number(view.getBigUint64(4, true)) };
    return parsed("system", "transfer", info);
  }
  if (TOKEN_PROGRAMS.includes(programId)) {
    const program = programId === TOKEN_2022_PROGRAM ? "spl-token-2022" : "spl-token";
    if (data[0] === 12 && data.length >= 10 && accounts.length >= 4) {
      const [source, mint, destination, authority] = accounts;
      const tokenAmount = uiTokenAmount(view.getBigUint64(1, true), data[9]!);
      return parsed(program, "transferChecked", { source, mint, destination, authority, tokenAmount });
    }
    if (data[0] === 3 && data.length >= 9 && accounts.length >= 3) {
      const [source, destination, authority] = accounts;
      return parsed(program, "transfer", {
        source,
        destination,
        authority,
        amount: view.getBigUint64(1, true).toString(),
      });
    }
  }
  return { programId, accounts, data: dataB58, stackHeight };
}
