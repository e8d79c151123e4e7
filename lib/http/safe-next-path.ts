// Where to continue after sign-in or sign-up (`callbackUrl`, `next`): a path on this site, or the
// fallback. Decided by parsing, not by the string's shape: browsers drop tabs and newlines and
// read backslashes as slashes, so "/\t/evil.example" is "//evil.example" to them. The value is
// resolved against a placeholder origin with the WHATWG URL parser browsers use, and kept only
// if it stays on that origin; control characters, whitespace and backslashes are refused
// outright, and what is returned is the parsed path, not the input.
const BASE = "http://cellblock.invalid";

/** A same-site path to redirect to (path, query and fragment of `next`), or `fallback`. */
export function safeNextPath(next: string | null | undefined, fallback: string): string {
  if (!next || next.length > 500 || !next.startsWith("/")) return fallback;
  if (/[\u0000-\u001f\u007f-\u009f\s\\]/u.test(next)) return fallback;
  let url: URL;
  try {
    url = new URL(next, BASE);
  } catch {
    return fallback;
  }
  // "/..//evil.example" stays on the origin but normalises to the path "//evil.example", which a
  // browser would then follow to another host: refuse any result that is protocol-relative.
  if (url.origin !== BASE || url.pathname.startsWith("//")) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}
