// `npm run prisma -- <args>`: the Prisma CLI with the offline settings (see scripts/lib/prisma-cli.ts).
import { prisma } from "./lib/prisma-cli";

prisma(process.argv.slice(2), process.env.DATABASE_URL ?? "postgresql://unused@127.0.0.1/unused", false).catch((err) => {
  console.error(String(err.message ?? err).split("\n")[0]);
  process.exit(1);
});
