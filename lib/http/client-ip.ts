// The client's address for rate limiting and the audit log. scripts/serve.ts appends the
// socket address to X-Forwarded-For (and drops a client-supplied one when no proxy is
// trusted). Behind N trusted proxies, each appended the address it saw, so the client is the
// N-th entry from the right; anything further left was written by the client and is ignored.
import { webConfig } from "@/lib/config/server";

export function clientIp(headers: Headers): string | null {
  const xff = headers.get("x-forwarded-for");
  if (!xff) return null;
  const hops = xff
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (hops.length === 0) return null;
  const index = Math.max(0, hops.length - 1 - webConfig().TRUST_PROXY_HOPS);
  return hops[index]!.slice(0, 64);
}
