// One error type for expected failures: a code the caller can branch on and a message a
// human can read. Anything else is a bug, logged in full and shown as a generic 500.
export type AppErrorCode =
  "VALIDATION" | "UNAUTHENTICATED" | "FORBIDDEN" | "NOT_FOUND" | "CONFLICT" | "RATE_LIMITED" | "NO_CAPACITY" | "PRECONDITION";

const HTTP_STATUS: Record<AppErrorCode, number> = {
  VALIDATION: 422,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  NO_CAPACITY: 409,
  PRECONDITION: 409,
};

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly fieldErrors?: Record<string, string[]>;
  constructor(code: AppErrorCode, message: string, fieldErrors?: Record<string, string[]>) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.fieldErrors = fieldErrors;
  }
  get status(): number {
    return HTTP_STATUS[this.code];
  }
}

export const notFound = (what = "That") => new AppError("NOT_FOUND", `${what} was not found.`);

/** Prisma's unique-constraint violation (P2002), from any Prisma layer. */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: string }).code === "P2002";
}

/** Same as isUniqueViolation, but only for a named constraint / index. */
export function isUniqueViolationOf(err: unknown, constraint: string): boolean {
  if (!isUniqueViolation(err)) return false;
  return JSON.stringify((err as { meta?: unknown }).meta ?? "").includes(constraint) || String((err as Error).message).includes(constraint);
}
