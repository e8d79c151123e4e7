// The fault matrix's own world (scripts/test-faults.ts): an embedded PostgreSQL in a temp
// directory, a fresh migrated and seeded database, the production build served by
// scripts/serve.ts, the control-plane worker, and real host agents with the lxc driver, each host
// under an LXC path of its own below this run's directory (so `lxc-ls -P` counts only that
// host's containers, and no agent sees another's jails as its own). Web servers
// and workers are started and stopped by the cases (a case stops the control plane, kills
// Postgres, runs two of each); everything is stopped and every container destroyed at the end.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ChildProcess } from "node:child_process";
import { createDatabase, freePort, startEmbeddedPostgres, type RunningPostgres } from "../lib/embedded-postgres";
import { generateClient, migrateDeploy } from "../lib/prisma-cli";
import { buildIsFresh, writeBuildStamp } from "../lib/build-stamp";
import { run, startService, stopService, waitForHttp } from "../lib/run";
import { seedDatabase } from "../lib/seed-database";
import type { createPrismaClient } from "@/lib/db-client";

export type Db = ReturnType<typeof createPrismaClient>;

export type Service = { child: ChildProcess; log: string };
export type WebServer = Service & { url: string; port: number };

export type FaultWorld = {
  tmp: string;
  pg: RunningPostgres;
  databaseUrl: string;
  db: Db;
  /** This run's directory of LXC paths, one per host: every container the matrix makes lives below it. */
  lxcRoot: string;
  /** The web server the agents talk to (restartable on the same port). */
  web: WebServer;
  worker: Service;
  /** The environment every web server and worker of the run gets. */
  env: NodeJS.ProcessEnv;
  startWeb(opts?: { port?: number; label?: string }): Promise<WebServer>;
  startWorker(label?: string): Service;
  stop(service: Service | undefined, signal?: NodeJS.Signals): Promise<void>;
  /** A fresh, migrated database on the run's server (not seeded), for a case of its own. */
  freshDatabase(name: string): Promise<string>;
  close(): Promise<void>;
};

/** Seconds between two worker ticks in the matrix (the leader case counts runs per tick). */
export const WORKER_INTERVAL_SECONDS = 2;

/** Starts the world: database, build (when stale), one web server, one worker. */
export async function startFaultWorld(log: (line: string) => void): Promise<FaultWorld> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cellblock-faults-"));
  fs.chmodSync(tmp, 0o755); // initdb runs as the postgres user when we are root
  const pg = await startEmbeddedPostgres({ dataDir: path.join(tmp, "pg"), persistent: false });
  const services: Service[] = [];
  let db: Db | undefined;
  const lxcRoot = `/var/lib/lxc-faults-${process.pid}`;
  const close = async () => {
    await Promise.all(services.map((s) => stopService(s.child)));
    await destroyContainers(lxcRoot);
    await db?.$disconnect().catch(() => {});
    await pg.stop().catch(() => {});
    if (!process.env.KEEP_TEST_TMP) fs.rmSync(tmp, { recursive: true, force: true });
  };
  try {
    await generateClient();
    const freshDatabase = async (name: string) => {
      await createDatabase(pg.serverUrl, name);
      const url = pg.databaseUrl(name);
      await migrateDeploy(url);
      return url;
    };
    const databaseUrl = await freshDatabase(`cb_faults_${crypto.randomBytes(4).toString("hex")}`);
    const pw = () => `faults-${crypto.randomBytes(8).toString("hex")}`;
    // One TOTP sealing key for the seed and every server started here (they inherit process.env).
    process.env.TOTP_ENCRYPTION_KEY ??= crypto.randomBytes(32).toString("hex");
    await seedDatabase(databaseUrl, {
      ...process.env,
      SEED_ADMIN_PASSWORD: pw(),
      SEED_BILLING_PASSWORD: pw(),
      SEED_CUSTOMER_PASSWORD: pw(),
    });
    if (!buildIsFresh()) {
      log("building the app (next build)");
      await run(process.execPath, ["node_modules/next/dist/bin/next", "build"], {
        env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
        quiet: true,
      });
      writeBuildStamp();
    }
    fs.mkdirSync(lxcRoot, { recursive: true, mode: 0o755 });
    const { createPrismaClient } = await import("@/lib/db-client");
    db = createPrismaClient(databaseUrl);

    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      HOST: "127.0.0.1",
      DATABASE_URL: databaseUrl,
      NEXTAUTH_SECRET: crypto.randomBytes(32).toString("hex"),
      // As in npm test: short leases and backoff, so a killed agent's job comes back quickly.
      JOB_LEASE_SECONDS: "12",
      JOB_BACKOFF_SECONDS: "1",
      USAGE_INTERVAL: "2",
      HOST_STALE_AFTER_SECONDS: "15",
      HOST_OFFLINE_AFTER_SECONDS: "60",
      WORKER_INTERVAL_SECONDS: String(WORKER_INTERVAL_SECONDS),
      DB_POOL_MAX: "5",
    };
    let n = 0;
    const startWeb = async (opts: { port?: number; label?: string } = {}): Promise<WebServer> => {
      const port = opts.port ?? (await freePort());
      const url = `http://127.0.0.1:${port}`;
      const file = path.join(tmp, `${opts.label ?? "web"}-${++n}.log`);
      const child = startService("[web]", process.execPath, ["--import", "tsx", "scripts/serve.ts"], {
        env: { ...env, PORT: String(port), APP_URL: url, NEXTAUTH_URL: url },
        logFile: fs.createWriteStream(file),
        silent: true,
      });
      services.push({ child, log: file });
      try {
        await waitForHttp(`${url}/login`, 180_000);
      } catch (err) {
        throw new Error(`${(err as Error).message}\n--- ${file} ---\n${tail(file, 40)}`);
      }
      return { child, log: file, url, port };
    };
    const startWorker = (label = "worker"): Service => {
      const file = path.join(tmp, `${label}-${++n}.log`);
      const child = startService("[worker]", process.execPath, ["--conditions=react-server", "--import", "tsx", "scripts/worker.ts"], {
        env,
        logFile: fs.createWriteStream(file),
        silent: true,
      });
      services.push({ child, log: file });
      return { child, log: file };
    };
    const web = await startWeb();
    const worker = startWorker();
    return {
      tmp,
      pg,
      databaseUrl,
      db,
      lxcRoot,
      web,
      worker,
      env,
      startWeb,
      startWorker,
      stop: (s, signal = "SIGTERM") => stopService(s?.child, signal),
      freshDatabase,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** The last `lines` lines of a log file ("(no log)" when it cannot be read). */
export function tail(file: string, lines: number): string {
  try {
    return fs.readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

/**
 * Destroys every container in every host's LXC path under `lxcRoot` with the lxc driver itself
 * (so their disk images are unmounted too), then removes the directories. Failures are
 * reported, not thrown: cleanup must go on.
 */
export async function destroyContainers(lxcRoot: string) {
  if (!fs.existsSync(lxcRoot)) return;
  const { LxcDriver } = await import("../../host-agent/drivers/lxc/driver");
  const { systemRunner } = await import("../../host-agent/exec");
  const { nodeDriverFs } = await import("../../host-agent/drivers/driver-fs");
  const driverFs = await nodeDriverFs();
  for (const host of fs.readdirSync(lxcRoot)) {
    const lxcPath = path.join(lxcRoot, host);
    const driver = new LxcDriver({ runner: systemRunner, fs: driverFs, bridge: null, lxcPath });
    for (const name of fs.readdirSync(lxcPath)) {
      await driver.destroy(name).catch((err) => console.error(`[faults] cleanup: destroying ${name}: ${(err as Error).message}`));
    }
    removeDir(lxcPath);
  }
  removeDir(lxcRoot);
}

function removeDir(dir: string) {
  try {
    fs.rmdirSync(dir);
  } catch (err) {
    console.error(`[faults] cleanup: ${dir} not removed: ${(err as Error).message}`);
  }
}
