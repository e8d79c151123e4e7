// The shape of one /api/v1 route. The table of them (routes.ts) is the API: the dispatcher
// (dispatch.ts) serves exactly its entries and the OpenAPI document (openapi.ts) lists exactly
// its entries, so "the document lists every route" holds by construction.
import { z } from "zod";
import type { CustomerActor, StaffActor } from "@/lib/domain/actor";
import type { ApiScope } from "@/lib/schemas/api-tokens";

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";
export type ApiTag = "Catalog" | "Jails" | "Backups" | "Invoices" | "Staff: hosts" | "Staff: jobs" | "Staff: accounts";

const empty = z.object({});
type Empty = typeof empty;

type HandlerContext<A, P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> = {
  actor: A;
  params: z.output<P>;
  query: z.output<Q>;
  body: z.output<B>;
  /**
   * A key unique to this token and the request's Idempotency-Key (sha256, 40 hex digits), or
   * null without one: for domain functions with their own idempotency (an order's orderKey).
   */
  requestKey: string | null;
};

type Spec<A, P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> = {
  method: HttpMethod;
  /** Under /api/v1, with {name} path parameters, e.g. "/jails/{jailId}". */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: ApiTag;
  params?: P;
  query?: Q;
  body?: B;
  /** The success status: 200 (read), 201 (made, with Location), 202 (queued for the host). */
  status: 200 | 201 | 202;
  response: z.ZodType;
  /** Returns the domain's answer; the dispatcher passes it through `response` (unlisted fields are dropped). */
  handler: (ctx: HandlerContext<A, P, Q, B>) => Promise<unknown>;
  /** For 201: where the made thing is, from the parsed response. */
  location?: (out: Record<string, unknown>) => string;
};

/** A route as the dispatcher and the document see it (the handler's types erased). */
export type ApiRoute = Omit<Spec<never, z.ZodType, z.ZodType, z.ZodType>, "handler" | "params" | "query" | "body"> & {
  params: z.ZodObject;
  query: z.ZodObject;
  body: z.ZodType | null;
  scope: ApiScope;
  /** Staff routes: the console whose rule applies (lib/auth/console-access.ts); null for customers. */
  area: "admin" | "billing" | null;
  handler: (ctx: HandlerContext<CustomerActor | StaffActor, z.ZodType, z.ZodType, z.ZodType>) => Promise<unknown>;
};

function erase<A, P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(
  spec: Spec<A, P, Q, B>,
  scope: ApiScope,
  area: "admin" | "billing" | null,
): ApiRoute {
  return {
    ...spec,
    params: (spec.params ?? empty) as unknown as z.ZodObject,
    query: (spec.query ?? empty) as unknown as z.ZodObject,
    body: spec.body ?? null,
    scope,
    area,
    handler: spec.handler as ApiRoute["handler"],
  };
}

/** A customer route: the caller is a customer actor, scoped to its account by the domain. */
export function customerRoute<P extends z.ZodType = Empty, Q extends z.ZodType = Empty, B extends z.ZodType = Empty>(
  spec: Spec<CustomerActor, P, Q, B> & { scope: "read" | "write" },
): ApiRoute {
  return erase(spec, spec.scope, null);
}

/** A staff route, open to the roles of its console (`area`), as in the console itself. */
export function staffRoute<P extends z.ZodType = Empty, Q extends z.ZodType = Empty, B extends z.ZodType = Empty>(
  spec: Spec<StaffActor, P, Q, B> & { scope: "staff:read" | "staff:write"; area: "admin" | "billing" },
): ApiRoute {
  return erase(spec, spec.scope, spec.area);
}
