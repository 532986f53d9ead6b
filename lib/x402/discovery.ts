import "server-only";
import type { PaymentRequirements } from "@x402/core/types";
import { MODELS } from "@/lib/gateway/catalog";
import { paymentRequirement } from "./requirements";
import { agentBodySchema, agentOutputSchema, exampleBody } from "./schema";

// GET /.well-known/x402: x402scan reads `version`, `resources` (URLs it then probes for a 402)
// and `instructions`; `items` spells out each resource's price list and body for agents that
// want to know before they call.

export interface DiscoveryDocument {
  version: 1;
  resources: string[];
  instructions: string;
  items: {
    resource: string;
    method: "POST";
    description: string;
    mimeType: "application/json";
    accepts: (PaymentRequirements & { extra: { feePayer: string; model: string } })[];
    input: { type: "http"; method: "POST"; bodyType: "json"; body: ReturnType<typeof agentBodySchema>; example: ReturnType<typeof exampleBody> };
    output: { type: "json"; schema: ReturnType<typeof agentOutputSchema> };
  }[];
}

function instructions(resource: string, network: string, asset: string, payTo: string): string {
  const prices = MODELS.map((m) => `| \`${m.id}\` | ${m.x402PriceMicro} | $${(m.x402PriceMicro / 1_000_000).toFixed(6)} |`).join("\n");
  return `# Solrouter: pay-per-call LLMs

\`POST ${resource}\` with a JSON body \`{"prompt": "…", "model": "<id>", "maxTokens": 256}\`.

**No account? Pay per call with x402 (v2).** Call without credentials and you get
\`402 payment_required\` with a \`PAYMENT-REQUIRED\` header (base64 JSON) holding one \`exact\`
requirement: USDC (\`${asset}\`) on \`${network}\`, paid to \`${payTo}\`, priced for that body.
Sign the transfer with your Solana wallet (e.g. \`@x402/fetch\` with \`@x402/svm\`'s exact client
scheme), then repeat the same request with the \`PAYMENT-SIGNATURE\` header. You need USDC, no SOL:
our facilitator pays the network fee. You are charged only when the call succeeds; the answer
carries a \`PAYMENT-RESPONSE\` header with the transaction. Each payment is accepted once.

**Price per call:** what a prepaid call would reserve for the body — the prompt's UTF-8 bytes
plus 32 template tokens at the model's input price, plus \`maxTokens\` (default 1024) at its
output price, per million tokens, rounded up to a whole base unit — and at least the minimum
below. Send the body without credentials to get its exact price in the 402. Requests whose
prompt bytes + 32 + \`maxTokens\` exceed the model's context are refused with 400
\`context_length_exceeded\` before any payment.

| model | minimum price (USDC base units) | USD |
| --- | --- | --- |
${prices}

**Have an account?** Send \`Authorization: Bearer sk_solrouter_…\` instead: the call is billed
from your prepaid balance at per-token prices (\`GET /api/models\`).`;
}

export async function discoveryDocument(appUrl: string): Promise<DiscoveryDocument> {
  const resource = `${appUrl.replace(/\/+$/, "")}/agent`;
  const accepts = await Promise.all(
    MODELS.map(async (m) => {
      const r = await paymentRequirement(m.x402PriceMicro);
      return { ...r, extra: { feePayer: r.extra.feePayer as string, model: m.id } };
    }),
  );
  const { network, asset, payTo } = accepts[0]!;
  return {
    version: 1,
    resources: [resource],
    instructions: instructions(resource, network, asset, payTo),
    items: [
      {
        resource,
        method: "POST",
        description: "One call to an LLM, priced per request from its body (prompt size and maxTokens); each entry in accepts names its model and states its minimum price.",
        mimeType: "application/json",
        accepts,
        input: { type: "http", method: "POST", bodyType: "json", body: agentBodySchema(), example: exampleBody() },
        output: { type: "json", schema: agentOutputSchema() },
      },
    ],
  };
}
