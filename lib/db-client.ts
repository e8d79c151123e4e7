// Builds a Prisma client over node-postgres. Separate from lib/db.ts (which is server-only and
// a singleton) so that tests, seeds and scripts can make clients for other databases.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client";

export function createPrismaClient(connectionString: string | undefined) {
  if (!connectionString) throw new Error("DATABASE_URL is not set");
  return new PrismaClient({
    adapter: new PrismaPg({ connectionString, max: Number(process.env.DB_POOL_MAX ?? 10) }),
    omit: {
      user: { passwordHash: true },
      host: { agentTokenHash: true, enrollTokenHash: true },
      passwordResetToken: { tokenHash: true },
    },
  });
}
