import { confirmTopup } from "@/lib/billing/topup-credit";
import { ConfirmedTopupResponse, ConfirmTopupBody, TopupIdParam, TopupResponse } from "@/lib/billing/schemas";
import { AppError } from "@/lib/errors";
import { readJson, respond, sessionRoute } from "@/lib/http/handler";
import { perAccount } from "@/lib/limits/rate-limit";
import { otherMethods } from "@/lib/http/fallback-routes";
import { requestOrigin } from "@/lib/http/origin";

const NO_STORE = { "cache-control": "no-store" };

export const POST = sessionRoute(
  async (req, { session, param, actor }) => {
    // An id that cannot exist is as unknown as another account's.
    const id = TopupIdParam.safeParse(param("id"));
    if (!id.success) throw new AppError("not_found", "Top-up not found.");
    const { signature } = await readJson(req, ConfirmTopupBody);
    const result = await confirmTopup(session.accountId, id.data, signature, requestOrigin(req, actor));
    if (!result.credited) return respond(TopupResponse, { topup: result.topup }, { status: 202, headers: NO_STORE });
    return respond(
      ConfirmedTopupResponse,
      { topup: result.topup, balanceMicro: result.balanceMicro },
      { headers: NO_STORE },
    );
  },
  // Every confirm may cost an RPC call; the page polls about once a second.
  {
    auth: "session-or-management-key",
    rateLimit: perAccount(5, 40, "Too many confirmation requests. Please wait a moment."),
  },
);

export const { GET, HEAD, PUT, PATCH, DELETE } = otherMethods(["POST"]);
