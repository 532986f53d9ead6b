import { MODELS } from "@/lib/gateway/catalog";
import { openAiModelList } from "@/lib/gateway/openai-models";
import { publicRoute, json } from "@/lib/http/handler";

const body = openAiModelList(MODELS);

// Public and cacheable like /api/models; OpenAI clients list models before they call.
export const GET = publicRoute(async () => json(body, { headers: { "cache-control": "public, max-age=300", "access-control-allow-origin": "*" } }));
