// The Prisma CLI, run the way these offline machines need (see prisma.config.ts): the native
// engine download is skipped by pointing PRISMA_QUERY_ENGINE_LIBRARY at any existing file —
// with engineType = "client" nothing ever loads it.
import path from "node:path";
import { run } from "./run";

const CLI = path.join(process.cwd(), "node_modules", "prisma", "build", "index.js");

export function prismaEnv(databaseUrl?: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PRISMA_QUERY_ENGINE_LIBRARY: process.execPath,
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  };
}

export function prisma(args: string[], databaseUrl?: string, quiet = true): Promise<void> {
  return run(process.execPath, [CLI, ...args], { env: prismaEnv(databaseUrl), quiet });
}

export const generateClient = () => prisma(["generate"], "postgresql://unused@127.0.0.1/unused");
export const migrateDeploy = (databaseUrl: string) => prisma(["migrate", "deploy"], databaseUrl);
