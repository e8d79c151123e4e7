// The one cross-site request check. Every state-changing server action and route handler
// calls it (through the wrappers in lib/actions and lib/http/route.ts).
//
// Refused: a foreign Origin, `Origin: null` (sandboxed frames, some redirects), and — unless
// the caller allows it — no Origin at all. Browsers send Origin on every cross-site POST, so
// a missing Origin only comes from non-browser clients; next-auth's own sign-in/sign-out POSTs
// are the exception we allow (they carry next-auth's double-submit CSRF token instead), and so
// are the host agent and the REST API (/api/v1), which authenticate with a bearer token and
// never with a cookie: a request without a cookie's authority has nothing to forge.
import { webConfig } from "@/lib/config/server";
import { AppError } from "@/lib/errors";

/**
 * The origins a state-changing request may come from: APP_URL's, and the host the request was
 * addressed to. X-Forwarded-Host / -Proto name that host only when a trusted proxy set them
 * (TRUST_PROXY_HOPS > 0); from anyone else they are the client's own words and are ignored.
 */
export function expectedOrigins(headers: Headers): Set<string> {
  const origins = new Set<string>([new URL(webConfig().APP_URL).origin]);
  const trusted = webConfig().TRUST_PROXY_HOPS > 0;
  const host = (trusted ? headers.get("x-forwarded-host") : null) ?? headers.get("host");
  if (host) {
    const proto = ((trusted ? headers.get("x-forwarded-proto") : null) ?? "http").split(",")[0]!.trim();
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

/** Paths whose state-changing requests may come without an Origin (see the header). */
const MAY_OMIT_ORIGIN = ["/api/auth/", "/api/agent/"];
const API_PREFIX = "/api/v1/";

/**
 * Whether a state-changing request to `path` may come without an Origin header: next-auth's own
 * posts, the host agent, and /api/v1 requests that carry `Authorization: Bearer …` (the API reads
 * no cookie, so such a request carries no authority a browser could lend to another site).
 */
export function mayOmitOrigin(path: string, headers: Headers): boolean {
  if (MAY_OMIT_ORIGIN.some((p) => path.startsWith(p))) return true;
  return path.startsWith(API_PREFIX) && /^Bearer\s/i.test(headers.get("authorization") ?? "");
}
