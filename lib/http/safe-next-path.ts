/**
 * A same-site path to continue to after sign-in / sign-up, or the fallback. Refuses absolute
 * URLs and protocol-relative "//host" so the parameter cannot be used as an open redirect.
 */
export function safeNextPath(next: string | null | undefined, fallback: string): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\") || next.length > 500) return fallback;
  return next;
}
