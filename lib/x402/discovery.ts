import "server-only";
import { MODELS } from "@/lib/models";
import { paymentRequirement } from "./requirements";

// GET /.well-known/x402 in exactly the shape x402scan reads: `version`, `resources` (absolute
// URLs it then probes with POST for a 402) and `instructions` (markdown). Prices, bodies and
// answers per operation are in /openapi.json (x-payment-info, generated from the routes'
// schemas), which discovery tools read first; this document only points there.

/** The x402-payable operations (all POST, the method crawlers probe by default). */
export const X402_RESOURCE_PATHS = ["/agent", "/v1/chat/completions"] as const;

export interface DiscoveryDocument {
  version: 1;
  resources: string[];
  instructions: string;
}

function instructions(base: string, network: string, asset: string, payTo: string): string {
  const prices = MODELS.map(
    (m) => `| \`${m.id}\` | ${m.x402PriceMicro} | $${(m.x402PriceMicro / 1_000_000).toFixed(6)} |`,
  ).join("\n");
  return `# Solrouter: pay-per-call LLMs

Two x402-payable endpoints, same models and prices:
- \`POST ${base}/agent\` with \`{"prompt": "…", "model": "<id>", "maxTokens": 256}\`
- \`POST ${base}/v1/chat/completions\`: the OpenAI Chat Completions request (base URL \`${base}/v1\`)

Every operation, its request and answer schemas and its \`x-payment-info\`: [${base}/openapi.json](${base}/openapi.json).
For agents: [${base}/llms.txt](${base}/llms.txt). Models and prices: \`GET ${base}/api/models\`.

**No account? Pay per call with x402 (v2).** Call without credentials and you get
\`402 payment_required\` with a \`PAYMENT-REQUIRED\` header (base64 JSON) holding one \`exact\`
requirement: USDC (\`${asset}\`) on \`${network}\`, paid to \`${payTo}\`, priced for that body.
Sign the transfer with your Solana wallet (e.g. \`@x402/fetch\` with \`@x402/svm\`'s exact client
scheme), then repeat the same request with the \`PAYMENT-SIGNATURE\` header. You need USDC, no SOL:
our facilitator pays the network fee. You are charged only when the call succeeds; the answer
carries a \`PAYMENT-RESPONSE\` header with the transaction. Each payment is accepted once.

**Price per call:** what a prepaid call would reserve for the body — its prompt (for /agent: the
prompt's UTF-8 bytes; for /v1: the messages' bytes plus 4 tokens a message) plus 32 template
tokens at the model's input price, plus \`maxTokens\` / \`max_tokens\` (default 1024) at its
output price, per million tokens, rounded up to a whole base unit — and at least the minimum
below. Send the body without credentials to get its exact price in the 402. Requests whose
prompt and output budget exceed the model's context are refused with 400
\`context_length_exceeded\` before any payment.

| model | minimum price (USDC base units) | USD |
| --- | --- | --- |
${prices}

**Have an account?** Send \`Authorization: Bearer sk_solrouter_…\` instead: the call is billed
from your prepaid balance at per-token prices. Sign in with your Solana wallet at ${base} (or the
\`solrouter\` CLI with a keypair file), top up with USDC or $ROUTER and create a key.`;
}

export async function discoveryDocument(appUrl: string): Promise<DiscoveryDocument> {
  const base = appUrl.replace(/\/+$/, "");
  const { network, asset, payTo } = await paymentRequirement(MODELS[0]!.x402PriceMicro);
  return {
    version: 1,
    resources: X402_RESOURCE_PATHS.map((p) => `${base}${p}`),
    instructions: instructions(base, network, asset, payTo),
  };
}
