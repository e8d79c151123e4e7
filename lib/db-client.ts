// Builds a Prisma client over node-postgres. Separate from lib/db.ts (which is server-only and
// a singleton) so that tests, seeds and scripts can make clients for other databases.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { databasePoolConfig } from "@/lib/config/server";

/**
 * A client for `connectionString` with a pool of `poolMax` connections (DB_POOL_MAX by default).
 * @throws Error when no connection string is given.
 */
export function createPrismaClient(connectionString: string | undefined, poolMax = databasePoolConfig().DB_POOL_MAX) {
  if (!connectionString) throw new Error("DATABASE_URL is not set");
  return new PrismaClient({
    adapter: new PrismaPg({ connectionString, max: poolMax }),
    // Prisma's default 5 s for an interactive transaction is a timeout our writes hit on a
    // loaded machine (populating a host's pools, an invoice run's batch), not a sign of a bug;
    // 20 s still ends one that hangs. Waiting for a connection is bounded the same way.
    transactionOptions: { timeout: 20_000, maxWait: 10_000 },
    omit: {
      user: { passwordHash: true },
      host: { agentTokenHash: true, enrollTokenHash: true, backupPasswordSealed: true },
      jail: { backupRepoPasswordSealed: true, backupPasswordSealed: true },
      passwordResetToken: { tokenHash: true },
      // Asked for only by lib/domain/accounts/two-factor.ts.
      twoFactorSecret: { secretSealed: true },
      recoveryCode: { codeHash: true },
      apiToken: { tokenHash: true },
      // A message's unredacted copy, kept only until SMTP has it (lib/domain/mail/send-mail.ts).
      mailMessage: { deliveryText: true, deliveryHtml: true },
    },
  });
}
