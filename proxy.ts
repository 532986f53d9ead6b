// Runs only for the API paths below (see the matcher): unknown paths and wrong methods get the
// contract's JSON error instead of Next's HTML 404 page or empty 405. Everything else passes
// through untouched; the check is one regular-expression lookup in a table generated from the
// route files (lib/http/route-methods.ts).
import { NextResponse, type NextRequest } from "next/server";
import { apiEdgeResponse } from "@/lib/http/api-edges";

export function proxy(req: NextRequest) {
  return apiEdgeResponse(req.method, req.nextUrl.pathname) ?? NextResponse.next();
}

export const config = {
  matcher: ["/api", "/api/:path*", "/v1", "/v1/:path*", "/agent", "/agent/:path*"],
};
