// Two jobs, neither of them access control (the guards in lib/auth/session.ts decide access on
// every page, action and handler):
//   - optimistic redirects: visitors without a session cookie go to the login page, with the
//     requested path passed on for the guards' own redirects;
//   - a strict Content-Security-Policy with a fresh nonce per request. Next.js reads the policy
//     from the request headers and puts the nonce on its own scripts; with 'strict-dynamic'
//     only those (and what they load) run, so an injected <script> does not.
import { NextResponse, type NextRequest } from "next/server";
import { webConfig } from "@/lib/config/server";

const PROTECTED = ["/dashboard", "/jails", "/order", "/billing", "/account", "/admin", "/invoices", "/two-factor", "/api-tokens"];

/** The policy for one response. Styles stay 'unsafe-inline': React and the charts set style attributes. */
export function contentSecurityPolicy(nonce: string, dev: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export function proxy(req: NextRequest) {
  const { pathname, search } = req.nextUrl;
  const hasSessionCookie = req.cookies.getAll().some((c) => c.name.endsWith("cellblock.session"));
  if (!hasSessionCookie && PROTECTED.some((p) => pathname === p || pathname.startsWith(p + "/"))) {
    const url = req.nextUrl.clone();
    url.pathname = "/login";
    url.search = `?callbackUrl=${encodeURIComponent(pathname + search)}`;
    return NextResponse.redirect(url);
  }
  const nonce = btoa(crypto.randomUUID());
  const csp = contentSecurityPolicy(nonce, webConfig().NODE_ENV !== "production");
  const headers = new Headers(req.headers);
  headers.set("x-cellblock-path", pathname + search);
  headers.set("x-nonce", nonce);
  headers.set("content-security-policy", csp);
  const res = NextResponse.next({ request: { headers } });
  res.headers.set("content-security-policy", csp);
  return res;
}

export const config = {
  matcher: ["/((?!api/|_next/|favicon.ico).*)"],
};
