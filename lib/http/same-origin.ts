// The one cross-site request check. Every state-changing server action and route handler
// calls it (through the wrappers in lib/actions and lib/http/route.ts).
//
// Refused: a foreign Origin, `Origin: null` (sandboxed frames, some redirects), and — unless
// the caller allows it — no Origin at all. Browsers send Origin on every cross-site POST, so
// a missing Origin only comes from non-browser clients; next-auth's own sign-in/sign-out POSTs
// are the exception we allow (they carry next-auth's double-submit CSRF token instead), and so
// is the host agent, which authenticates with a bearer secret rather than a cookie.
import { webConfig } from "@/lib/config/server";
import { AppError } from "@/lib/errors";

export function expectedOrigins(headers: Headers): Set<string> {
  const origins = new Set<string>([new URL(webConfig().APP_URL).origin]);
  const host = headers.get("x-forwarded-host") ?? headers.get("host");
  if (host) {
    const proto = (headers.get("x-forwarded-proto") ?? "http").split(",")[0]!.trim();
    origins.add(`${proto}://${host}`);
  }
  return origins;
}

export function checkSameOrigin(headers: Headers, opts: { allowMissing?: boolean } = {}): void {
  const origin = headers.get("origin");
  if (origin === null) {
    if (opts.allowMissing) return;
    throw new AppError("FORBIDDEN", "Cross-origin request refused: the request has no Origin header.");
  }
  if (origin === "null" || !expectedOrigins(headers).has(origin)) {
    throw new AppError("FORBIDDEN", "Cross-origin request refused.");
  }
}
