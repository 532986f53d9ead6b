import { withErrorType } from "@/lib/gateway/chat-completions";
import { generationFor } from "@/lib/gateway/generations";
import { agentRoute, json } from "@/lib/http/handler";
import { otherMethods } from "@/lib/http/fallback-routes";

export const GET = agentRoute(async (_req, { caller, params }) => {
  try {
    return json(await generationFor(caller, typeof params.id === "string" ? params.id : ""), {
      headers: { "cache-control": "no-store" },
    });
  } catch (err) {
    throw withErrorType(err);
  }
});

export const OPTIONS = agentRoute.preflight;

export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);
