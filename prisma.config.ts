// Prisma CLI configuration (migrate deploy / status / diff; generate).
//
// These machines cannot download Prisma's native schema engine, so the CLI runs the
// WebAssembly schema engine bundled in `prisma` over @prisma/adapter-pg ("engine: js").
// We stay on Prisma 6.19: Prisma 7's migrate has no WebAssembly path and cannot migrate
// offline. See README "Migrations".
import path from "node:path";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { defineConfig } from "prisma/config";

// Prisma bug (prisma/orm#27403): the WebAssembly schema engine cannot deserialize Postgres
// catalog columns of type `name` (oid 19) and `"char"` (oid 18) read through adapter-pg.
// Report them as `text` (oid 25). This patch lives only in the CLI process, never in the app.
const CATALOG_TEXT_OIDS = new Set([18, 19]);
const TEXT_OID = 25;
type QueryResultLike = { fields?: Array<{ dataTypeID: number }> };
function retypeCatalogFields<T>(result: T): T {
  const fields = (result as QueryResultLike | undefined)?.fields;
  if (fields) for (const f of fields) if (CATALOG_TEXT_OIDS.has(f.dataTypeID)) f.dataTypeID = TEXT_OID;
  return result;
}
const patched = Symbol.for("cellblock.pgCatalogPatch");
const proto = pg.Client.prototype as unknown as Record<string | symbol, unknown>;
if (!proto[patched]) {
  proto[patched] = true;
  const originalQuery = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  proto.query = function patchedQuery(this: unknown, ...args: unknown[]) {
    const last = args[args.length - 1];
    if (typeof last === "function") {
      // Callback form (pg.Pool uses it).
      args[args.length - 1] = (err: unknown, res: unknown) =>
        (last as (e: unknown, r: unknown) => void)(err, err ? res : retypeCatalogFields(res));
      return originalQuery.apply(this, args);
    }
    const out = originalQuery.apply(this, args);
    if (out && typeof (out as Promise<unknown>).then === "function") {
      return (out as Promise<unknown>).then(retypeCatalogFields);
    }
    return out;
  };
}

export default defineConfig({
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  experimental: { adapter: true },
  engine: "js",
  adapter: async () => new PrismaPg({ connectionString: process.env.DATABASE_URL }),
});
