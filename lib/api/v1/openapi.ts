// The OpenAPI 3.1 document of /api/v1, generated from the route table (routes.ts) and the same
// zod schemas that parse the requests and shape the answers, with zod's own JSON Schema
// converter (z.toJSONSchema; draft 2020-12 is OpenAPI 3.1's schema dialect). Nothing here is
// written by hand per route, so the document cannot drift from what the API serves.
import { z } from "zod";
import { problem as problemSchema } from "@/lib/schemas/api-v1";
import { API_ROUTES } from "./routes";
import { PROBLEM_TYPES } from "./problem";
import type { ApiRoute } from "./route-table";

type JsonSchema = Record<string, unknown>;

/** A zod schema as a JSON Schema object (input side for requests, output side for answers). */
export function jsonSchemaOf(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const out = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" }) as JsonSchema;
  const { $schema: _drop, ...rest } = JSON.parse(JSON.stringify(out)) as JsonSchema;
  return rest;
}

/** Parameter objects (OpenAPI 3.1 §4.8.12) for the properties of a zod object. */
function parametersOf(schema: z.ZodObject, where: "path" | "query") {
  const js = jsonSchemaOf(schema, "input") as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(js.properties ?? {}).map(([name, s]) => {
    const { description, ...rest } = s as JsonSchema & { description?: string };
    return {
      name,
      in: where,
      required: where === "path" || (js.required ?? []).includes(name),
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}

const problemRef = { $ref: "#/components/schemas/Problem" };
const problemContent = { "application/problem+json": { schema: problemRef } };
const problemResponse = (description: string, headers?: Record<string, unknown>) => ({
  description,
  content: problemContent,
  ...(headers ? { headers } : {}),
});
const rateHeaders = {
  "RateLimit-Limit": { description: "requests this token may make per window", schema: { type: "integer" } },
  "RateLimit-Remaining": { description: "requests left in this window", schema: { type: "integer" } },
  "RateLimit-Reset": { description: "seconds until the window ends", schema: { type: "integer" } },
};

function operationOf(route: ApiRoute) {
  const parameters = [
    ...parametersOf(route.params, "path"),
    ...parametersOf(route.query, "query"),
    ...(route.method === "POST"
      ? [
          {
            name: "Idempotency-Key",
            in: "header",
            required: false,
            description: "Makes a retry safe: a request repeated with the same key (and the same body) answers with the first response.",
            schema: { type: "string", minLength: 1, maxLength: 255 },
          },
        ]
      : []),
  ];
  const success: Record<string, unknown> = {
    description: route.status === 202 ? "Accepted: queued for the jail's host" : route.status === 201 ? "Created" : "OK",
    headers: {
      ...rateHeaders,
      ...(route.location ? { Location: { description: "where the new resource is", schema: { type: "string" } } } : {}),
    },
    content: { "application/json": { schema: jsonSchemaOf(route.response, "output") } },
  };
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.tag],
    security: [{ bearerToken: [route.scope] }],
    "x-cellblock-scope": route.scope,
    ...(route.area ? { "x-cellblock-console": route.area } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(route.body
      ? { requestBody: { required: true, content: { "application/json": { schema: jsonSchemaOf(route.body, "input") } } } }
      : {}),
    responses: {
      [String(route.status)]: success,
      "401": problemResponse("No valid token", { "WWW-Authenticate": { schema: { type: "string" } } }),
      "403": problemResponse("The token lacks the scope or the role"),
      ...(Object.keys(route.params.shape).length ? { "404": problemResponse("Not found (another account's id included)") } : {}),
      ...(route.body || Object.keys(route.query.shape).length || route.method === "POST"
        ? { "422": problemResponse("Invalid request") }
        : {}),
      ...(route.method !== "GET" ? { "409": problemResponse("Conflicts with the current state") } : {}),
      "429": problemResponse("Rate limited", { "Retry-After": { description: "seconds", schema: { type: "integer" } } }),
    },
  };
}

/** The document for `routes` (the API's own by default). */
export function buildOpenApiDocument(routes: readonly ApiRoute[] = API_ROUTES) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) (paths[route.path] ??= {})[route.method.toLowerCase()] = operationOf(route);
  return {
    openapi: "3.1.0",
    info: {
      title: "Cellblock API",
      version: "1",
      description:
        "Jails, backups and invoices for customers; hosts, jobs and accounts for staff integrations. " +
        "Authenticate with a personal access token (Authorization: Bearer cbk_…) made under your account settings. " +
        "Errors are RFC 9457 problem details.",
    },
    servers: [{ url: "/api/v1" }],
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearerToken: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "cbk_ followed by 43 base64url characters",
          description:
            'Scopes: "read" and "write" for customer tokens, "staff:read" and "staff:write" for staff tokens; write includes read.',
        },
      },
      schemas: {
        Problem: {
          ...jsonSchemaOf(problemSchema, "output"),
          description: `RFC 9457 problem details. Codes: ${Object.entries(PROBLEM_TYPES)
            .map(([code, t]) => `${code} (${t.status})`)
            .join(", ")}.`,
        },
      },
    },
  };
}

let cached: ReturnType<typeof buildOpenApiDocument> | undefined;
/** The API's document, built once per process. */
export function openApiDocument() {
  return (cached ??= buildOpenApiDocument());
}
