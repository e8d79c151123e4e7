// `npm run db:migration -- <name>`: writes prisma/migrations/<UTC timestamp>_<name>/migration.sql
// from the difference between the committed schema (HEAD) and the working copy.
// `prisma migrate dev` cannot run here (its shadow database path is broken over adapter-pg),
// so we diff datamodels. The diff touches no data, but the CLI still opens a connection, so
// a throwaway embedded PostgreSQL is started when DATABASE_URL is unset.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createDatabase, startEmbeddedPostgres } from "./lib/embedded-postgres";
import { prismaEnv } from "./lib/prisma-cli";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:migration -- <name, lower_snake_case>");
  process.exit(2);
}

const old = path.join(os.tmpdir(), `cellblock-schema-head-${process.pid}.prisma`);
const isFirst = !fs.existsSync("prisma/migrations") || fs.readdirSync("prisma/migrations").filter((d) => /^\d{14}_/.test(d)).length === 0;
if (!isFirst) fs.writeFileSync(old, execFileSync("git", ["show", "HEAD:prisma/schema.prisma"]));

let url = process.env.DATABASE_URL;
let stop: (() => Promise<void>) | undefined;
if (!url) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cellblock-migration-"));
  fs.chmodSync(dir, 0o755);
  const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), persistent: false });
  await createDatabase(pg.serverUrl, "diff");
  url = pg.databaseUrl("diff");
  stop = () => pg.stop();
}

try {
  const from = isFirst ? ["--from-empty"] : ["--from-schema-datamodel", old];
  const sql = execFileSync(
    process.execPath,
    ["node_modules/prisma/build/index.js", "migrate", "diff", ...from, "--to-schema-datamodel", "prisma/schema.prisma", "--script"],
    { env: prismaEnv(url), encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
  );
  if (!sql.trim() || /^-- This is an empty migration/.test(sql.trim())) {
    console.log("No schema changes since HEAD: nothing written.");
  } else {
    const stamp = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
    const dir = path.join("prisma", "migrations", `${stamp}_${name}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "migration.sql"), sql);
    console.log(`Wrote ${dir}/migration.sql — read it, then apply with \`npm run prisma -- migrate deploy\`.`);
  }
} finally {
  fs.rmSync(old, { force: true });
  await stop?.();
}
