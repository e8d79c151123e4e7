// The one entry of /api/v1 (app/api/v1/[...path]/route.ts hands every request here):
//   route lookup (404 / 405) → Origin check for writes → bearer token → rate limit → scope and
//   console role → path, query and body parsed with the route's zod schemas →
//   Idempotency-Key (POST) → the route's domain call → the answer through its response schema.
// Every failure is a problem document (problem.ts). A cookie is never read: a browser's
// session cannot drive the API, so the API has no CSRF surface.
import crypto from "node:crypto";
import { z } from "zod";
import { consoleAccess } from "@/lib/auth/console-access";
import { AppError } from "@/lib/errors";
import { clientIp } from "@/lib/http/client-ip";
import { checkSameOrigin } from "@/lib/http/same-origin";
import { parseJsonText, readBodyText } from "@/lib/http/route";
import { authenticateApiToken, type ApiCaller } from "@/lib/domain/api-tokens/authenticate-api-token";
import { consumeApiRequest } from "@/lib/domain/api-tokens/api-rate-limit";
import { scopeAllows } from "@/lib/domain/api-tokens/api-token-rules";
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  releaseIdempotencyKey,
  requestFingerprint,
} from "@/lib/domain/api-tokens/idempotency-keys";
import type { Prisma } from "@/lib/generated/prisma/client";
import { problemFromError, problemOf, problemResponse, type Problem } from "./problem";
import { API_ROUTES } from "./routes";
import type { ApiRoute } from "./route-table";
import { openApiDocument } from "./openapi";

export const API_BASE = "/api/v1";
/** Largest request body the API reads (an SSH key is the biggest thing it takes: 16 KB). */
export const MAX_BODY_BYTES = 64 * 1024;
const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

type Compiled = { route: ApiRoute; pattern: RegExp; names: string[] };
const compiled: Compiled[] = API_ROUTES.map((route) => {
  const names: string[] = [];
  const source = route.path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/\\\{(\w+)\\\}/g, (_m, name: string) => {
    names.push(name);
    return "([^/]+)";
  });
  return { route, pattern: new RegExp(`^${source}$`), names };
});

/** The route for a method and a path under /api/v1, or why there is none. */
export function matchRoute(
  method: string,
  path: string,
): { route: ApiRoute; params: Record<string, string> } | { allowed: string[] } | null {
  const allowed: string[] = [];
  for (const c of compiled) {
    const m = c.pattern.exec(path);
    if (!m) continue;
    if (c.route.method !== method) {
      allowed.push(c.route.method);
      continue;
    }
    const params: Record<string, string> = {};
    try {
      c.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1]!)));
    } catch {
      return null; // a malformed %-escape names nothing
    }
    return { route: c.route, params };
  }
  return allowed.length ? { allowed } : null;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store", ...headers },
  });

/** Dates → RFC 3339 strings, BigInt → number, Decimal → string: what the response schemas describe. */
function toJsonValue(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value ?? null, (_k, v: unknown) => (typeof v === "bigint" ? Number(v) : v)));
}

/** Handles one /api/v1 request. Never throws: every failure is a problem response. */
export async function handleApiRequest(req: Request): Promise<Response> {
  const url = new URL(req.url);
  const path = url.pathname.startsWith(API_BASE) ? url.pathname.slice(API_BASE.length) || "/" : url.pathname;
  const method = req.method.toUpperCase();
  try {
    if (path === "/openapi.json" && method === "GET") return json(200, openApiDocument(), { "cache-control": "public, max-age=300" });
    const match = matchRoute(method, path);
    if (!match) return problemResponse(problemOf("NOT_FOUND", `No route ${method} ${API_BASE}${path}.`));
    if ("allowed" in match)
      return problemResponse(problemOf("METHOD_NOT_ALLOWED", `${method} is not allowed here.`), { allow: match.allowed.join(", ") });
    const { route } = match;

    // A bearer token, not a cookie, authenticates; a browser page of another site still gets no write in.
    if (!SAFE.has(method)) checkSameOrigin(req.headers, { allowMissing: true });
    let caller: ApiCaller;
    try {
      caller = await authenticateApiToken({ header: req.headers.get("authorization"), ip: clientIp(req.headers) });
    } catch (err) {
      if (err instanceof AppError && err.code === "UNAUTHENTICATED")
        return problemResponse(problemFromError(err), { "www-authenticate": 'Bearer realm="cellblock"' });
      throw err;
    }

    const rate = await consumeApiRequest({ tokenId: caller.tokenId });
    const rateHeaders = {
      "ratelimit-limit": String(rate.limit),
      "ratelimit-remaining": String(rate.remaining),
      "ratelimit-reset": String(rate.resetSeconds),
    };
    if (!rate.allowed)
      return problemResponse(problemOf("RATE_LIMITED", `This token made too many requests. Retry in ${rate.retryAfterSeconds} s.`), {
        ...rateHeaders,
        "retry-after": String(rate.retryAfterSeconds),
      });

    const refused = authorise(route, caller);
    if (refused) return problemResponse(refused.problem, { ...rateHeaders, ...refused.headers });

    const params = route.params.safeParse(match.params);
    // A malformed id names nothing, like another account's id.
    if (!params.success) return problemResponse(problemOf("NOT_FOUND", "That was not found."), rateHeaders);
    const query = route.query.parse(Object.fromEntries(url.searchParams));
    const bodyText = route.body || method === "POST" ? await readBodyText(req, MAX_BODY_BYTES) : "";
    const body = route.body ? route.body.parse(parseJsonText(bodyText)) : {};

    const key = method === "POST" ? req.headers.get("idempotency-key") : null;
    if (key !== null) {
      const claim = await claimIdempotencyKey({
        tokenId: caller.tokenId,
        key,
        requestHash: requestFingerprint(method, url.pathname + url.search, bodyText),
      });
      if (claim.kind === "replay") {
        const headers = { ...rateHeaders, "idempotent-replayed": "true" };
        const stored = claim.body as { problem?: Problem; body?: unknown; location?: string };
        if (stored.problem) return problemResponse(stored.problem, headers);
        return json(claim.status, stored.body, { ...headers, ...(stored.location ? { location: stored.location } : {}) });
      }
    }
    const requestKey = key === null ? null : crypto.createHash("sha256").update(`${caller.tokenId}:${key}`).digest("hex").slice(0, 40);

    let out: Record<string, unknown>;
    try {
      const result = await route.handler({ actor: caller.actor, params: params.data, query, body, requestKey });
      out = (route.response as z.ZodType<Record<string, unknown>>).parse(toJsonValue(result));
    } catch (err) {
      const problem = problemFromError(err);
      if (key !== null) {
        // The first answer is the answer, failures included; only our own failures may be retried.
        if (problem.status >= 500) await releaseIdempotencyKey({ tokenId: caller.tokenId, key });
        else
          await completeIdempotencyKey({
            tokenId: caller.tokenId,
            key,
            status: problem.status,
            body: { problem } as Prisma.InputJsonValue,
          });
      }
      return problemResponse(problem, rateHeaders);
    }
    const location = route.status === 201 && route.location ? route.location(out) : undefined;
    if (key !== null)
      await completeIdempotencyKey({
        tokenId: caller.tokenId,
        key,
        status: route.status,
        body: { body: out, ...(location ? { location } : {}) } as Prisma.InputJsonValue,
      });
    return json(route.status, out, { ...rateHeaders, ...(location ? { location } : {}) });
  } catch (err) {
    return problemResponse(problemFromError(err));
  }
}

/**
 * Whether the token may call the route: its scopes (RFC 6750 §3.1 insufficient_scope), and
 * for staff routes the console rule the consoles apply (role, second factor).
 */
function authorise(route: ApiRoute, caller: ApiCaller): { problem: Problem; headers: Record<string, string> } | null {
  if (!scopeAllows(caller.scopes, route.scope))
    return {
      problem: problemOf("FORBIDDEN", `This token does not have the "${route.scope}" scope this route needs.`),
      headers: { "www-authenticate": `Bearer realm="cellblock", error="insufficient_scope", scope="${route.scope}"` },
    };
  if (route.area) {
    const actor = caller.actor;
    const access =
      actor.kind === "staff" ? consoleAccess({ role: actor.role, twoFactorEnabled: caller.twoFactorEnabled }, route.area) : "forbidden";
    if (access !== "allowed")
      return {
        problem: problemOf(
          "FORBIDDEN",
          access === "enrol-two-factor"
            ? "Set up two-factor sign-in before using the staff API."
            : route.area === "admin"
              ? "Only administrators can do this."
              : "Only billing staff can do this.",
        ),
        headers: {},
      };
  } else if (caller.actor.kind !== "customer") {
    return { problem: problemOf("FORBIDDEN", "Only customer tokens can do this."), headers: {} };
  }
  return null;
}
