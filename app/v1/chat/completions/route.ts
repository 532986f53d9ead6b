import { env } from "@/lib/env";
import {
  chatCallRequest,
  chatQuote,
  completeChat,
  completionOf,
  costHeaders,
  replayAsStream,
  streamChatResponse,
  withErrorType,
} from "@/lib/gateway/chat-completions";
import { claimForStream, idempotencyScope, idempotentJson } from "@/lib/gateway/idempotent-call";
import { ChatCompletionBody } from "@/lib/gateway/openai-schema";
import { chatDiscovery } from "@/lib/gateway/discovery";
import { paymentRequiredError, type Paywall } from "@/lib/gateway/payment-required";
import { paymentFor } from "@/lib/gateway/payments";
import { agentRoute, json, readJsonText } from "@/lib/http/handler";
import { BODY_LIMITS, peekJsonBody } from "@/lib/http/body";
import { otherMethods } from "@/lib/http/fallback-routes";

const MAX_BODY = BODY_LIMITS.agent;
const ENDPOINT = "/v1/chat/completions";

const SCALING =
  "An x402 call costs what a prepaid call would reserve for it — the messages' UTF-8 bytes (plus 4 tokens a message and 32 template tokens) at the model's input price and max_tokens at its output price, " +
  "rounded up to a whole micro-USD — and at least the model's x402PriceMicro (GET /api/models).";

const PAYWALL: Paywall = {
  resourceUrl: () => `${env().APP_URL}${ENDPOINT}`,
  quote: chatQuote,
  scaling: SCALING,
  discovery: chatDiscovery,
};

export const POST = agentRoute(async (req, { caller, requestId }) => {
  try {
    if (caller.kind === "none") throw await paymentRequiredError(await peekJsonBody(req, MAX_BODY), PAYWALL);
    const { text, body } = await readJsonText(req, ChatCompletionBody, MAX_BODY);
    const scope = idempotencyScope(req, caller, ENDPOINT, text);
    const payment = await paymentFor(caller, PAYWALL);
    const call = chatCallRequest(body, requestId);
    if (body.stream !== true)
      return await idempotentJson(scope, async () => {
        const { body: completion, headers } = await completeChat(payment, call);
        return json(completion, { headers });
      });
    if (!scope) return await streamChatResponse(payment, call, req.signal);
    // Streamed with an Idempotency-Key: claimed before the first byte, stored when the call settled.
    const got = await claimForStream(scope);
    if ("replay" in got) return replayAsStream(got.replay);
    return await streamChatResponse(payment, call, req.signal, async (out) => {
      if (!out || out.error) return got.claim.release();
      const res = json(completionOf(out), { headers: costHeaders(out) });
      await got.claim.complete({ status: 200, headers: Object.fromEntries(res.headers), body: await res.text() });
    });
  } catch (err) {
    throw withErrorType(err);
  }
});

export const OPTIONS = agentRoute.preflight;

export const { GET, HEAD, PUT, PATCH, DELETE } = otherMethods(["POST"]);
