// Every error /api/v1 answers, as RFC 9457 problem details (`application/problem+json`): type,
// title, status, detail, plus Cellblock's `code` and, for invalid input, `errors` per field.
// The one mapping from the domain's errors (lib/errors.ts AppError, zod's ZodError, a unique
// clash) to HTTP lives here; anything else is a bug: logged in full, answered as a bare 500.
import { ZodError } from "zod";
import { AppError, isUniqueViolation, type AppErrorCode } from "@/lib/errors";
import { zodFieldErrorsPlain } from "@/lib/schemas/zod-errors";

export type ProblemCode = AppErrorCode | "METHOD_NOT_ALLOWED" | "INTERNAL";

export type Problem = {
  type: string;
  title: string;
  status: number;
  detail?: string;
  code: ProblemCode;
  errors?: Record<string, string[]>;
};

/** Each kind of problem: its title and the anchor of its explanation on /api-docs. */
export const PROBLEM_TYPES: Record<ProblemCode, { status: number; title: string; meaning: string }> = {
  VALIDATION: {
    status: 422,
    title: "Invalid request",
    meaning: "The body, query or a header is not what the route accepts; `errors` names the fields.",
  },
  UNAUTHENTICATED: { status: 401, title: "Not authenticated", meaning: "No token, or a token that is unknown, revoked or expired." },
  FORBIDDEN: { status: 403, title: "Forbidden", meaning: "The token lacks the scope, its login the role, or its account is not active." },
  NOT_FOUND: { status: 404, title: "Not found", meaning: "No such thing among the caller's: another account's id is not found either." },
  CONFLICT: {
    status: 409,
    title: "Conflict",
    meaning: "Clashes with the current state (a hostname taken, a key already there, a request with this Idempotency-Key still running).",
  },
  PRECONDITION: {
    status: 409,
    title: "Not possible now",
    meaning: "The jail's state does not allow it now (e.g. stopping a jail that is not running); `detail` says why.",
  },
  NO_CAPACITY: { status: 409, title: "No capacity", meaning: "No host can take the jail now." },
  RATE_LIMITED: {
    status: 429,
    title: "Too many requests",
    meaning: "The token's request budget for this window is spent; retry after `Retry-After` seconds.",
  },
  METHOD_NOT_ALLOWED: {
    status: 405,
    title: "Method not allowed",
    meaning: "The path exists but not with this method; `Allow` lists those it has.",
  },
  INTERNAL: {
    status: 500,
    title: "Internal error",
    meaning: "Something failed on our side; nothing the request asked for can be assumed done.",
  },
};

/** The problem type URI of a code: a reference to its explanation on the API reference page. */
export const problemType = (code: ProblemCode) => `/api-docs#problem-${code.toLowerCase().replace(/_/g, "-")}`;

/** A problem of this code with `detail`, and per-field messages when given. */
export function problemOf(code: ProblemCode, detail?: string, errors?: Record<string, string[]>): Problem {
  const t = PROBLEM_TYPES[code];
  return { type: problemType(code), title: t.title, status: t.status, code, ...(detail ? { detail } : {}), ...(errors ? { errors } : {}) };
}

/** Any thrown value → its problem; unexpected ones are logged and answered as INTERNAL. */
export function problemFromError(err: unknown): Problem {
  if (err instanceof AppError) return { ...problemOf(err.code, err.message, err.fieldErrors), status: err.status };
  if (err instanceof ZodError) return problemOf("VALIDATION", "The request is not valid.", zodFieldErrorsPlain(err));
  if (isUniqueViolation(err)) return problemOf("CONFLICT", "That already exists.");
  console.error("[api] unexpected error", err);
  return problemOf("INTERNAL", "Something went wrong on our side.");
}

/** The HTTP response for a problem (RFC 9457 §3), with any extra headers. */
export function problemResponse(problem: Problem, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: { "content-type": "application/problem+json", "cache-control": "no-store", ...headers },
  });
}
