// The "Sign in over HTTP" example shown on the Docs page and in the README; sign-in-example.test.ts
// runs it against the real routes, so what we show works as printed.

export function httpSignInExample(origin: string): string {
  return `// sign-in.mjs: node sign-in.mjs ~/.config/solana/id.json   (Node 20+, no packages)
import { createPrivateKey, sign } from "node:crypto";
import { readFileSync } from "node:fs";

const BASE = process.env.SOLROUTER_URL ?? "${origin}";
const bytes = Buffer.from(JSON.parse(readFileSync(process.argv[2], "utf8"))); // solana-keygen file
const key = createPrivateKey({
  key: Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), bytes.subarray(0, 32)]),
  format: "der",
  type: "pkcs8",
});
const publicKey = bytes.subarray(32);
const address = base58(publicKey);

// 1. The server's Sign-In-With-Solana challenge (single use, valid 10 minutes).
const { input } = await (await fetch(\`\${BASE}/api/auth/challenge?address=\${address}\`)).json();

// 2. Its standard text, signed with the keypair.
const text = [
  \`\${input.domain} wants you to sign in with your Solana account:\`, address, "", input.statement, "",
  \`URI: \${input.uri}\`, \`Version: \${input.version}\`, \`Chain ID: \${input.chainId}\`, \`Nonce: \${input.nonce}\`,
  \`Issued At: \${input.issuedAt}\`, \`Expiration Time: \${input.expirationTime}\`,
].join("\\n");
const message = Buffer.from(text, "utf8");
const res = await fetch(\`\${BASE}/api/auth/verify\`, {
  method: "POST",
  headers: { "content-type": "application/json", origin: BASE },
  body: JSON.stringify({
    output: {
      account: { address, publicKey: publicKey.toString("base64") },
      signedMessage: message.toString("base64"),
      signature: sign(null, message, key).toString("base64"),
    },
  }),
});
if (!res.ok) throw new Error(JSON.stringify(await res.json()));

// 3. The session cookie: send it (and Origin on POST/DELETE) to /api/*.
const cookie = res.headers.getSetCookie()[0].split(";")[0];
console.log(await (await fetch(\`\${BASE}/api/me\`, { headers: { cookie } })).json());

function base58(buf) {
  const abc = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  let n = BigInt("0x" + buf.toString("hex")), s = "";
  for (; n > 0n; n /= 58n) s = abc[Number(n % 58n)] + s;
  for (const b of buf) if (b === 0) s = "1" + s; else break;
  return s;
}`;
}

export const TERMINAL_SIGN_IN = (origin: string) => `npm install -g @solrouter/cli
# Sign in with ~/.config/solana/id.json (or --keypair <path>)
solrouter login --url ${origin}
# Pay 5 USDC from the same keypair; waits until it is credited
solrouter topup 5 --token usdc
# A key for your agent, written to .env instead of the screen
solrouter keys create --name my-agent --env-file .env
solrouter balance
solrouter usage --since 7d --csv > usage.csv`;
