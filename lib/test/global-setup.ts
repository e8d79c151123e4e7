// Gives every test run a fresh, migrated database. `npm test` passes one in TEST_DATABASE_URL
// (it already runs a Postgres); run alone, vitest starts an embedded PostgreSQL itself.
import crypto from "node:crypto";
import os from "node:os";
import path from "node:path";
import fs from "node:fs";
import type { RunningPostgres } from "../../scripts/lib/embedded-postgres";
import { migrateDeploy } from "../../scripts/lib/prisma-cli";
import { assertLocalDatabase } from "./local-database";

let pg: RunningPostgres | undefined;
let stripExitHooks = () => {};

export default async function setup({ provide }: { provide: (key: string, value: string) => void }) {
  let url = process.env.TEST_DATABASE_URL;
  if (!url) {
    // embedded-postgres installs async-exit-hook, whose "beforeExit" handler calls
    // process.exit(0) and so throws away vitest's failing exit code. Import it only when we
    // need it, and take its exit listeners off again (see stripExitHooks below).
    const before = new Set(process.listeners("beforeExit"));
    const { createDatabase, startEmbeddedPostgres } = await import("../../scripts/lib/embedded-postgres");
    stripExitHooks = () => {
      for (const l of process.listeners("beforeExit")) if (!before.has(l)) process.removeListener("beforeExit", l);
    };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cellblock-vitest-"));
    fs.chmodSync(dir, 0o755); // initdb runs as the postgres user when we are root
    pg = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), persistent: false });
    const name = `cb_unit_${crypto.randomBytes(4).toString("hex")}`;
    await createDatabase(pg.serverUrl, name);
    url = pg.databaseUrl(name);
    await migrateDeploy(url);
  }
  assertLocalDatabase(url);
  provide("databaseUrl", url);
  return async () => {
    await pg?.stop();
    stripExitHooks();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}
