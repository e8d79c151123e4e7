// Optimistic redirects only: send visitors without a session cookie to the login page, and
// pass the requested path on for the guards' own redirects. It never decides access — the
// guards in lib/auth/session.ts do, on every page, action and handler.
import { NextResponse, type NextRequest } from "next/server";

const PROTECTED = ["/dashboard", "/jails", "/order", "/billing", "/account", "/admin", "/invoices"];

export function proxy(req: NextRequest) {
  const { pathname, search } = req.nextUrl;
  const hasSessionCookie = req.cookies.getAll().some((c) => c.name.endsWith("cellblock.session"));
  if (!hasSessionCookie && PROTECTED.some((p) => pathname === p || pathname.startsWith(p + "/"))) {
    const url = req.nextUrl.clone();
    url.pathname = "/login";
    url.search = `?callbackUrl=${encodeURIComponent(pathname + search)}`;
    return NextResponse.redirect(url);
  }
  const headers = new Headers(req.headers);
  headers.set("x-cellblock-path", pathname + search);
  return NextResponse.next({ request: { headers } });
}

export const config = {
  matcher: ["/((?!api/|_next/|favicon.ico).*)"],
};
