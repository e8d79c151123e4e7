// `npm start`: the whole product on one machine.
//   1. Postgres: DATABASE_URL if set, else an embedded PostgreSQL under .data/postgres.
//   2. Prisma client generated, migrations applied, seed data on first run.
//   3. `next build` when the sources changed since the last build.
//   4. The web tier (scripts/serve.ts), the control-plane worker (scripts/worker.ts), and a
//      host agent for the host "local" when this machine can run containers (root + lxc);
//      otherwise "local" is marked unavailable with the reason, shown in the admin console.
//   5. The embedded backup server (rclone serve restic, .data/backups) unless BACKUP_URL is set.
//   6. The URL and the seeded logins, printed.
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import type { ChildProcess } from "node:child_process";
import { createDatabase, startEmbeddedPostgres, type RunningPostgres } from "./lib/embedded-postgres";
import { generateClient, migrateDeploy } from "./lib/prisma-cli";
import { buildIsFresh, writeBuildStamp } from "./lib/build-stamp";
import { localSecret } from "./lib/local-secrets";
import { seedDatabase } from "./lib/seed-database";
import { startLocalAgent } from "./lib/local-agent";
import { run, startService, stopService, waitForHttp } from "./lib/run";
import { backupToolsMissing, startBackupServer } from "./lib/backup-server";
import { launcherConfig, webConfig } from "@/lib/config/server";

const DATA = path.resolve(".data");
const log = (m: string) => console.log(`[start] ${m}`);

async function main() {
  fs.mkdirSync(DATA, { recursive: true });
  let pg: RunningPostgres | undefined;
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    log("DATABASE_URL is not set: starting the embedded PostgreSQL in .data/postgres");
    pg = await startEmbeddedPostgres({
      dataDir: path.join(DATA, "postgres"),
      port: launcherConfig().EMBEDDED_PG_PORT,
      persistent: true,
    });
    await createDatabase(pg.serverUrl, "cellblock");
    databaseUrl = pg.databaseUrl("cellblock");
  }
  const port = webConfig().PORT;
  const appUrl = process.env.APP_URL ?? `http://localhost:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    APP_URL: appUrl,
    NEXTAUTH_URL: process.env.NEXTAUTH_URL ?? appUrl,
    NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET ?? localSecret(DATA, "nextauth-secret"),
    // Seals TOTP secrets in the database (lib/auth/totp-secret-seal.ts): 32 random bytes.
    TOTP_ENCRYPTION_KEY: process.env.TOTP_ENCRYPTION_KEY ?? localSecret(DATA, "totp-encryption-key"),
    NEXT_TELEMETRY_DISABLED: "1",
  };
  Object.assign(process.env, env);

  log("generating the Prisma client and applying migrations");
  await generateClient();
  await migrateDeploy(databaseUrl);

  const logins = await seedAndRememberLogins(databaseUrl, !pg);

  if (buildIsFresh()) {
    log("the production build is up to date");
  } else {
    log("building the web app (next build) — a minute or two on first start");
    await run(process.execPath, [path.join("node_modules", "next", "dist", "bin", "next"), "build"], {
      env: { ...env, NODE_ENV: "production" },
    });
    writeBuildStamp();
  }

  await assertPortFree(port);
  const children: ChildProcess[] = [];

  env.BACKUP_SECRET_KEY = process.env.BACKUP_SECRET_KEY ?? localSecret(DATA, "backup-secret-key");
  if (!process.env.BACKUP_URL) {
    const missing = backupToolsMissing();
    if (missing) log(`backups are off: ${missing}`);
    else {
      const backupPort = launcherConfig().EMBEDDED_BACKUP_PORT;
      await assertPortFree(backupPort);
      log(`BACKUP_URL is not set: serving backups from .data/backups on 127.0.0.1:${backupPort} (rclone serve restic, append-only)`);
      const backups = await startBackupServer({ dataDir: path.join(DATA, "backups"), port: backupPort, silent: true });
      children.push(backups.child);
      Object.assign(env, backups.env);
    }
  }
  Object.assign(process.env, env);
  const web = startService("[web]", process.execPath, ["--import", "tsx", "scripts/serve.ts"], {
    env: { ...env, NODE_ENV: "production", PORT: String(port) },
  });
  children.push(web);
  await waitForHttp(`http://127.0.0.1:${port}/login`, 60_000);

  const shutdown = async () => {
    log("stopping");
    await Promise.all(children.map((c) => stopService(c)));
    await pg?.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown());
  process.on("SIGTERM", () => void shutdown());
  web.on("exit", (code) => {
    log(`the web server exited (${code}); stopping everything`);
    void shutdown();
  });

  const worker = startService("[worker]", process.execPath, ["--conditions=react-server", "--import", "tsx", "scripts/worker.ts"], {
    env: { ...env, NODE_ENV: "production" },
  });
  children.push(worker);

  const agent = await startLocalAgent({ databaseUrl, appUrl: `http://127.0.0.1:${port}`, stateDir: path.join(DATA, "agent") });
  if (agent.child) children.push(agent.child);
  else log(agent.unavailable!);

  printBanner(appUrl, databaseUrl, logins);
}

async function seedAndRememberLogins(databaseUrl: string, externalDb: boolean) {
  const logins = await seedDatabase(databaseUrl);
  if (externalDb) return logins;
  // For the embedded database only, generated passwords are kept (mode 0600) beside the
  // database itself, so every local start can print them. A real deployment's passwords are
  // printed once and never written anywhere.
  const file = path.join(DATA, "seed-logins.txt");
  // One line per login: e-mail, password and, for staff, the TOTP secret they were enrolled with.
  const known = new Map<string, { password: string; totpSecret?: string }>();
  if (fs.existsSync(file)) {
    for (const line of fs.readFileSync(file, "utf8").split("\n")) {
      const [email, password, totpSecret] = line.split("\t");
      if (email && password) known.set(email, { password, totpSecret: totpSecret || undefined });
    }
  }
  for (const l of logins) if (l.password) known.set(l.email, { password: l.password, totpSecret: l.totpSecret });
  fs.writeFileSync(
    file,
    [...known].map(([e, k]) => [e, k.password, ...(k.totpSecret ? [k.totpSecret] : [])].join("\t")).join("\n") + "\n",
    {
      mode: 0o600,
    },
  );
  for (const l of logins) {
    l.password ??= known.get(l.email)?.password;
    l.totpSecret ??= known.get(l.email)?.totpSecret;
  }
  return logins;
}

/** Refuses to start (in words) when something already listens on the web port: waiting for "our" server would find the old one. */
async function assertPortFree(port: number): Promise<void> {
  const inUse = await new Promise<boolean>((resolve) => {
    const probe = net.createServer();
    probe.once("error", (err: NodeJS.ErrnoException) => resolve(err.code === "EADDRINUSE"));
    probe.listen(port, "0.0.0.0", () => probe.close(() => resolve(false)));
  });
  if (inUse) {
    console.error(
      `[start] port ${port} is already in use — most likely an earlier Cellblock that is still running.\n` +
        `        Find it with:  ss -ltnp 'sport = :${port}'   then stop that process, or start with PORT=<another port>.`,
    );
    process.exit(1);
  }
}

function printBanner(
  appUrl: string,
  databaseUrl: string,
  logins: Array<{ role: string; email: string; password?: string; totpSecret?: string }>,
) {
  const safeDb = databaseUrl.replace(/:[^:@/]+@/, ":****@");
  const rows = logins.flatMap((l) => [
    `  ${l.role.padEnd(9)} ${l.email.padEnd(28)} ${l.password ?? "(set earlier; reset it from the login page)"}`,
    ...(l.totpSecret ? [`  ${"".padEnd(9)} ${"two-factor key (TOTP)".padEnd(28)} ${l.totpSecret.match(/.{1,4}/g)!.join(" ")}`] : []),
  ]);
  console.log(
    [
      "",
      "──────────────────────────────────────────────────────────────────────",
      `  Cellblock is running at ${appUrl}`,
      `  Database: ${safeDb}`,
      "",
      "  Logins:",
      ...rows,
      "",
      "  Staff sign in with a code: add the two-factor key to an authenticator app (time-based, 6 digits).",
      "",
      "  Admin console: /admin   Billing console: /billing   Mail outbox: /admin/outbox",
      "  Stop with Ctrl-C.",
      "──────────────────────────────────────────────────────────────────────",
      "",
    ].join("\n"),
  );
}

main().catch((err) => {
  console.error("[start] failed:", err);
  process.exit(1);
});
