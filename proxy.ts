import { NextResponse, type NextRequest } from "next/server";
import { PATH_HEADER } from "@/lib/http/next-path";

// Dashboard pages only: tells the dashboard layout which page was asked for, so a visitor
// without a session is sent to sign in and brought back there (`/?next=`). The header is always
// overwritten here, so a client cannot choose it; the layout still only follows a local path.
export function proxy(req: NextRequest) {
  const headers = new Headers(req.headers);
  headers.set(PATH_HEADER, `${req.nextUrl.pathname}${req.nextUrl.search}`);
  return NextResponse.next({ request: { headers } });
}

export const config = {
  matcher: ["/dashboard/:path*", "/keys/:path*", "/billing/:path*", "/usage/:path*", "/security/:path*"],
};
