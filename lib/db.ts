// The one Prisma client. Secret columns are omitted by default: code that needs a password
// hash or token hash asks for it explicitly with `omit: { passwordHash: false }`.
//
// Created on first use, not at import: `next build` imports route modules to collect their
// configuration, and must not need a database to do so.
import "server-only";
import { createPrismaClient } from "@/lib/db-client";
import { databaseConfig } from "@/lib/config/server";

export type Db = ReturnType<typeof createPrismaClient>;
/** The transaction client handed to `db.$transaction(async (tx) => …)`. */
export type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

const globalForDb = globalThis as unknown as { cellblockDb?: Db };

function client(): Db {
  return (globalForDb.cellblockDb ??= createPrismaClient(databaseConfig().DATABASE_URL));
}

export const db: Db = new Proxy({} as Db, {
  get(_target, prop) {
    const real = client();
    const value = Reflect.get(real, prop);
    return typeof value === "function" ? value.bind(real) : value;
  },
});
