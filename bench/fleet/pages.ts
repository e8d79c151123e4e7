// Server-rendered pages fetched over HTTP with a real session: the log-in goes through
// next-auth's credentials callback (CSRF token first, as the browser's form post does), and
// each page is then fetched with the session cookie, one request at a time, so the time
// measured is the server's (plus a loopback round trip).
import { quantiles } from "./config";
import { totpCode } from "@/lib/auth/totp";

type Jar = Map<string, string>;

function keepCookies(jar: Jar, res: Response) {
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(";");
    const eq = pair!.indexOf("=");
    jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
  }
}
const cookieHeader = (jar: Jar) => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");

/**
 * Logs `email` in at `url`; returns the cookie header of the session. `totpSecret` (base32) for a
 * login with two-factor sign-in: the current code goes with the password, as the credentials
 * endpoint takes it (lib/auth/options.ts). @throws Error when no session cookie comes back.
 */
export async function logIn(url: string, email: string, password: string, totpSecret?: string): Promise<string> {
  const jar: Jar = new Map();
  const csrfRes = await fetch(`${url}/api/auth/csrf`);
  keepCookies(jar, csrfRes);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const res = await fetch(`${url}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookieHeader(jar), origin: url },
    body: new URLSearchParams({
      csrfToken,
      email,
      password,
      ...(totpSecret ? { code: await totpCode(totpSecret) } : {}),
      callbackUrl: `${url}/`,
      json: "true",
    }),
  });
  keepCookies(jar, res);
  if (![...jar.keys()].some((k) => /session/.test(k))) throw new Error(`log-in of ${email} failed (HTTP ${res.status})`);
  return cookieHeader(jar);
}

export type PageTiming = { label: string; path: string; n: number; p50: number; p95: number; max: number; bytes: number };

/**
 * Fetches `path` with `cookie` `rounds` times after two warm-ups (the first render of a route
 * compiles nothing in production, but fills caches); times each whole response in ms.
 * @throws Error for a page that does not answer 200 (a redirect to the log-in, an error page).
 */
export async function timePage(url: string, cookie: string, label: string, path: string, rounds: number): Promise<PageTiming> {
  const ms: number[] = [];
  let bytes = 0;
  for (let i = 0; i < rounds + 2; i++) {
    const t0 = performance.now();
    const res = await fetch(`${url}${path}`, { headers: { cookie }, redirect: "manual" });
    const body = await res.text();
    const elapsed = performance.now() - t0;
    if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status} ${res.headers.get("location") ?? ""}`);
    bytes = body.length;
    if (i >= 2) ms.push(elapsed);
  }
  return { label, path, ...quantiles(ms), bytes };
}
