// Runs prisma/seed.ts against a database from a script (start, test). Imported lazily because
// the generated Prisma client only exists after `prisma generate`.
export async function seedDatabase(databaseUrl: string, env: NodeJS.ProcessEnv = process.env) {
  const { createPrismaClient } = await import("@/lib/db-client");
  const { seed } = await import("../../prisma/seed");
  const db = createPrismaClient(databaseUrl);
  try {
    return await seed(db, env);
  } finally {
    await db.$disconnect();
  }
}
