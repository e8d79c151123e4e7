// The one Prisma client. Secret columns are omitted by default: code that needs a password
// hash or token hash asks for it explicitly with `omit: { passwordHash: false }`.
import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { createPrismaClient } from "@/lib/db-client";

export type Db = ReturnType<typeof createPrismaClient>;
/** The transaction client handed to `db.$transaction(async (tx) => …)`. */
export type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

const globalForDb = globalThis as unknown as { cellblockDb?: Db };

export const db: Db = globalForDb.cellblockDb ?? createPrismaClient(process.env.DATABASE_URL);
if (process.env.NODE_ENV !== "production") globalForDb.cellblockDb = db;

export { PrismaClient, PrismaPg };
