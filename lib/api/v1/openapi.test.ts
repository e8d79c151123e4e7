// The OpenAPI document: valid OpenAPI 3.1 by a maintained validator (@apidevtools/swagger-parser
// checks it against the specification's JSON Schema), and listing exactly the routes the
// dispatcher serves, each with its path parameters declared.
import SwaggerParser from "@apidevtools/swagger-parser";
import { describe, expect, it } from "vitest";
import { callApi } from "@/lib/test/api-client";
import { buildOpenApiDocument, openApiDocument } from "./openapi";
import { API_ROUTES } from "./routes";
import { matchRoute } from "./dispatch";

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

describe("the OpenAPI document", () => {
  it("validates as OpenAPI 3.1", async () => {
    const doc = openApiDocument();
    expect(doc.openapi).toBe("3.1.0");
    await expect(SwaggerParser.validate(clone(doc) as never)).resolves.toBeTruthy();
  });

  it("the validator is not a rubber stamp: a broken document is refused", async () => {
    const broken = clone(openApiDocument()) as unknown as { paths: Record<string, Record<string, { parameters?: unknown }>> };
    broken.paths["/jails"]!.get!.parameters = [{ name: "x", in: "nowhere", schema: { type: "string" } }];
    await expect(SwaggerParser.validate(broken as never)).rejects.toThrow();
  });

  it("lists every route of the table, and nothing else", () => {
    const doc = openApiDocument();
    const listed = Object.entries(doc.paths).flatMap(([p, item]) =>
      Object.keys(item)
        .filter((k) => METHODS.includes(k))
        .map((m) => `${m.toUpperCase()} ${p}`),
    );
    expect(listed.sort()).toEqual(API_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    expect(API_ROUTES.length).toBeGreaterThanOrEqual(30);
    const ids = API_ROUTES.map((r) => r.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("declares each path parameter, and the dispatcher serves each documented path", () => {
    const doc = buildOpenApiDocument();
    for (const [p, item] of Object.entries(doc.paths)) {
      const names = [...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(item as Record<string, { parameters?: Array<{ name: string; in: string }> }>)) {
        const declared = (op.parameters ?? []).filter((x) => x.in === "path").map((x) => x.name);
        expect(declared.sort(), `${method} ${p}`).toEqual([...names].sort());
        const concrete = p.replace(/\{(\w+)\}/g, "abc123");
        const match = matchRoute(method.toUpperCase(), concrete);
        expect(match && "route" in match ? `${match.route.method} ${match.route.path}` : null).toBe(`${method.toUpperCase()} ${p}`);
      }
    }
  });

  it("documents each route's scope, body and problem answers", () => {
    const doc = openApiDocument() as unknown as {
      paths: Record<
        string,
        Record<string, { security: Array<Record<string, string[]>>; requestBody?: unknown; responses: Record<string, unknown> }>
      >;
    };
    for (const r of API_ROUTES) {
      const op = doc.paths[r.path]![r.method.toLowerCase()]!;
      expect(op.security).toEqual([{ bearerToken: [r.scope] }]);
      expect(Boolean(op.requestBody), r.operationId).toBe(r.body !== null);
      expect(op.responses).toHaveProperty(String(r.status));
      expect(op.responses).toHaveProperty("401");
      expect(op.responses).toHaveProperty("429");
    }
    const order = doc.paths["/jails"]!.post! as unknown as {
      requestBody: { content: { "application/json": { schema: { required: string[] } } } };
    };
    expect(order.requestBody.content["application/json"].schema.required.sort()).toEqual(["hostname", "plan", "template"]);
  });

  it("is served at /api/v1/openapi.json without a token", async () => {
    const answer = await callApi(null, "GET", "/openapi.json");
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(clone(openApiDocument()));
  });
});
