import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/page-header";
import { Badge } from "@/components/ui/badge";
import { API_ROUTES } from "@/lib/api/v1/routes";
import { jsonSchemaOf } from "@/lib/api/v1/openapi";
import { PROBLEM_TYPES, problemType, type ProblemCode } from "@/lib/api/v1/problem";

export const metadata: Metadata = { title: "API reference" };

const methodTone = { GET: "blue", POST: "green", PUT: "yellow", DELETE: "red" } as const;

function Schema({ label, schema }: { label: string; schema: Record<string, unknown> }) {
  return (
    <details className="mt-2">
      <summary className="cursor-pointer text-xs font-medium text-zinc-600">{label}</summary>
      <pre className="mt-1 max-h-96 overflow-auto rounded bg-zinc-50 p-3 text-xs">{JSON.stringify(schema, null, 2)}</pre>
    </details>
  );
}

/**
 * The REST API's reference, rendered on the server from the same route table and zod schemas
 * as /api/v1/openapi.json (no client bundle). Public: it describes, it grants nothing.
 */
export default function ApiDocsPage() {
  const tags = [...new Set(API_ROUTES.map((r) => r.tag))];
  return (
    <div className="mx-auto max-w-5xl px-4 py-10">
      <PageHeader
        title="Cellblock API"
        description="Version 1, under /api/v1. The machine-readable description is the OpenAPI 3.1 document at /api/v1/openapi.json."
      />
      <section className="prose prose-sm mb-10 max-w-none space-y-3 text-sm text-zinc-700">
        <p>
          Make a personal access token under <a href="/account#api-tokens">Account → API tokens</a> (staff:{" "}
          <a href="/api-tokens">API tokens</a> in the console). It is shown once. Send it with every request:
        </p>
        <pre className="overflow-auto rounded bg-zinc-900 p-3 text-xs text-zinc-100">
          {`curl -H "Authorization: Bearer cbk_…" http://127.0.0.1:3000/api/v1/jails`}
        </pre>
        <p>
          Scopes: <code>read</code> and <code>write</code> for customers (write includes read), <code>staff:read</code> and{" "}
          <code>staff:write</code> for staff. A customer token sees only its own account: another account&apos;s id answers 404. POST
          requests take an <code>Idempotency-Key</code> header: a retry with the same key and body answers with the first response (header{" "}
          <code>Idempotent-Replayed: true</code>); the same key with another body is refused. Each token has a request budget per window;
          past it the answer is 429 with <code>Retry-After</code>.
        </p>
      </section>
      {tags.map((tag) => (
        <section key={tag} className="mb-10">
          <h2 className="mb-3 text-lg font-semibold">{tag}</h2>
          <ul className="space-y-4">
            {API_ROUTES.filter((r) => r.tag === tag).map((r) => (
              <li key={r.operationId} id={r.operationId} className="rounded-lg border border-zinc-200 bg-white p-4" data-testid="api-route">
                <p className="flex flex-wrap items-center gap-2 font-mono text-sm">
                  <Badge tone={methodTone[r.method]}>{r.method}</Badge>
                  <span>/api/v1{r.path}</span>
                  <span className="ml-auto text-xs text-zinc-500">
                    scope {r.scope}
                    {r.area ? ` · ${r.area} console` : ""} · {r.status}
                  </span>
                </p>
                <p className="mt-1 text-sm text-zinc-800">{r.summary}</p>
                {r.description && <p className="mt-1 text-sm text-zinc-600">{r.description}</p>}
                {Object.keys(r.query.shape).length > 0 && <Schema label="Query" schema={jsonSchemaOf(r.query, "input")} />}
                {r.body && <Schema label="Request body" schema={jsonSchemaOf(r.body, "input")} />}
                <Schema label="Response" schema={jsonSchemaOf(r.response, "output")} />
              </li>
            ))}
          </ul>
        </section>
      ))}
      <section id="problems" className="mb-10">
        <h2 className="mb-3 text-lg font-semibold">Problems</h2>
        <p className="mb-3 text-sm text-zinc-700">
          Every error is an RFC 9457 problem document (<code>application/problem+json</code>) with <code>type</code>, <code>title</code>,{" "}
          <code>status</code>, <code>detail</code>, Cellblock&apos;s <code>code</code> and, for invalid input, <code>errors</code> per
          field.
        </p>
        <dl className="space-y-2 text-sm">
          {(Object.entries(PROBLEM_TYPES) as Array<[ProblemCode, (typeof PROBLEM_TYPES)[ProblemCode]]>).map(([code, t]) => (
            <div key={code} id={problemType(code).split("#")[1]}>
              <dt className="font-mono">
                {code} · {t.status} · {t.title}
              </dt>
              <dd className="text-zinc-600">{t.meaning}</dd>
            </div>
          ))}
        </dl>
      </section>
    </div>
  );
}
