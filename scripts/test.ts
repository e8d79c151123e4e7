// `npm test`: the whole suite, self-contained. Starts its own PostgreSQL (embedded, in a temp
// directory), then
//   0. static checks: TypeScript, ESLint and Prettier (the formatting must already be applied);
//   1. unit + integration tests (vitest) against a fresh, migrated database;
//   2. a production build of the app, served with its own fresh database, seeded logins and
//      services, and the Playwright suite in Debian's Chromium against it;
//   3. the fault matrix's fast variant (scripts/test-faults.ts --fast: its own database, app and
//      real agents; `npm run test:faults` runs the whole matrix).
// Nothing started by hand is used, and everything started here is stopped at the end.
//
//   npm test                 everything
//   npm test -- --unit       vitest only          npm test -- --e2e   Playwright only
//   npm test -- --lint       static checks only     npm test -- --faults   the fast fault cases only
//   npm test -- --e2e -- e2e/auth                 (arguments after a second -- go to Playwright)
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ChildProcess } from "node:child_process";
import { createDatabase, freePort, startEmbeddedPostgres, type RunningPostgres } from "./lib/embedded-postgres";
import { generateClient, migrateDeploy } from "./lib/prisma-cli";
import { buildIsFresh, writeBuildStamp } from "./lib/build-stamp";
import { run, startService, stopService, waitForHttp } from "./lib/run";
import { startBackupServer } from "./lib/backup-server";
import { seedDatabase } from "./lib/seed-database";
import { newTotpSecret } from "@/lib/auth/totp";
import { startLocalAgent } from "./lib/local-agent";
import { AGENT_BUNDLE } from "./lib/agent-bundle";
import { startSmtpSink, type SmtpSink } from "./lib/smtp-sink";

/** The web tier's console idle timeout during the e2e suite, in seconds (e2e/portal/console.spec.ts waits it out). */
const E2E_CONSOLE_IDLE_SECONDS = "20";

const argv = process.argv.slice(2);
const split = argv.indexOf("--");
const own = split >= 0 ? argv.slice(0, split) : argv;
const passThrough = split >= 0 ? argv.slice(split + 1) : [];
const onlyUnit = own.includes("--unit");
const onlyE2e = own.includes("--e2e");
const onlyLint = own.includes("--lint");
const onlyFaults = own.includes("--faults");
const log = (m: string) => console.log(`\n[test] ${m}`);
const rand = () => crypto.randomBytes(4).toString("hex");

const children: ChildProcess[] = [];
let pg: RunningPostgres | undefined;
let smtp: SmtpSink | undefined;
let tmp: string | undefined;

async function main(): Promise<number> {
  const started = Date.now();
  if (onlyFaults) return (await fastFaults()) ? 0 : 1;
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cellblock-test-"));
  fs.chmodSync(tmp, 0o755); // initdb runs as the postgres user when we are root
  log(`starting PostgreSQL in ${tmp}`);
  pg = await startEmbeddedPostgres({ dataDir: path.join(tmp, "pg"), persistent: false });
  await generateClient();

  let failed = false;
  let typesChecked = false;
  if (!onlyUnit && !onlyE2e) {
    log("static checks: tsc, eslint, prettier");
    try {
      await run(process.execPath, [bin("typescript", "bin/tsc"), "--noEmit"]);
      typesChecked = true;
      await run(process.execPath, [bin("eslint", "bin/eslint.js"), "--max-warnings", "0", "."]);
      await run(process.execPath, [bin("prettier", "bin/prettier.cjs"), "--check", "--log-level", "warn", "."]);
    } catch {
      failed = true;
    }
    if (onlyLint || (failed && !process.env.CONTINUE_ON_FAILURE)) {
      log(`static checks ${failed ? "FAILED" : "passed"} in ${Math.round((Date.now() - started) / 1000)} s`);
      return failed ? 1 : 0;
    }
  }
  if (!onlyE2e) {
    const url = await freshDatabase(`cb_unit_${rand()}`);
    log("unit and integration tests (vitest)");
    try {
      await run(process.execPath, [bin("vitest", "vitest.mjs"), "run", ...(onlyUnit ? passThrough : [])], {
        env: { ...process.env, TEST_DATABASE_URL: url, NODE_ENV: "test" },
      });
    } catch {
      failed = true;
    }
  }
  if (!onlyUnit && !(failed && !process.env.CONTINUE_ON_FAILURE)) {
    try {
      await e2e(typesChecked);
    } catch (err) {
      console.error(String((err as Error).message ?? err));
      failed = true;
    }
  }
  // The fast fault cases, after the whole e2e suite (not when a few specs were named).
  if (!onlyUnit && passThrough.length === 0 && !(failed && !process.env.CONTINUE_ON_FAILURE)) {
    if (!(await fastFaults())) failed = true;
  }
  log(`${failed ? "FAILED" : "passed"} in ${Math.round((Date.now() - started) / 1000)} s`);
  return failed ? 1 : 0;
}

/** The fault matrix's fast variant, in a process of its own (it kills its own Postgres). */
async function fastFaults(): Promise<boolean> {
  log("fault cases, fast variant (npm run test:faults runs the whole matrix)");
  try {
    await run(process.execPath, ["--conditions=react-server", "--import", "tsx", "scripts/test-faults.ts", "--fast"]);
    return true;
  } catch {
    return false;
  }
}

async function freshDatabase(name: string): Promise<string> {
  await createDatabase(pg!.serverUrl, name);
  const url = pg!.databaseUrl(name);
  await migrateDeploy(url);
  return url;
}

function bin(pkg: string, file: string): string {
  return path.join("node_modules", pkg, file);
}

async function e2e(typesChecked: boolean) {
  if (buildIsFresh()) {
    log("production build is up to date");
  } else {
    log("building the app (next build)");
    await run(process.execPath, [bin("next", "dist/bin/next"), "build"], {
      env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", CELLBLOCK_TYPES_CHECKED: typesChecked ? "1" : "" },
    });
    writeBuildStamp();
  }

  const databaseUrl = await freshDatabase(`cb_e2e_${rand()}`);
  const passwords = { admin: `admin-${rand()}-${rand()}`, billing: `billing-${rand()}-${rand()}`, customer: `demo-${rand()}-${rand()}` };
  // The key that seals TOTP secrets, one for the seed, the web server and the specs' own servers
  // (e2e/helpers/servers.ts), which all take process.env.
  process.env.TOTP_ENCRYPTION_KEY ??= crypto.randomBytes(32).toString("hex");
  // The staff's second factor: the specs compute codes from these secrets (e2e/helpers/totp.ts).
  const totpSecrets = { admin: newTotpSecret(), billing: newTotpSecret() };
  await seedDatabase(databaseUrl, {
    ...process.env,
    SEED_ADMIN_PASSWORD: passwords.admin,
    SEED_BILLING_PASSWORD: passwords.billing,
    SEED_CUSTOMER_PASSWORD: passwords.customer,
    SEED_ADMIN_TOTP_SECRET: totpSecrets.admin,
    SEED_BILLING_TOTP_SECRET: totpSecrets.billing,
  });

  // The embedded backup server (rclone serve restic, append-only, a private repository per host)
  // on a loopback port of its own, with this run's data directory.
  const backupLog = path.join(tmp!, "backup.log");
  const backups = await startBackupServer({
    dataDir: path.join(tmp!, "backups"),
    port: await freePort(),
    logFile: fs.createWriteStream(backupLog),
    silent: !process.env.E2E_VERBOSE,
  });
  children.push(backups.child);
  const backupSecretKey = crypto.randomBytes(32).toString("hex");

  const port = await freePort();
  const metricsToken = crypto.randomBytes(24).toString("hex");
  const baseUrl = `http://127.0.0.1:${port}`;
  const webLog = path.join(tmp!, "web.log");
  // Mail goes out over SMTP to a sink on 127.0.0.1 that writes each message to a file: a spec
  // follows a mailed link the way its recipient would (the outbox never shows a working one).
  const mailbox = path.join(tmp!, "mailbox");
  smtp = await startSmtpSink({ dir: mailbox });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    PORT: String(port),
    HOST: "127.0.0.1",
    DATABASE_URL: databaseUrl,
    APP_URL: baseUrl,
    NEXTAUTH_URL: baseUrl,
    NEXTAUTH_SECRET: crypto.randomBytes(32).toString("hex"),
    // Every e2e browser signs in from 127.0.0.1: keep the per-IP limit out of the way of the
    // other specs (the per-address limit, which the rate-limit spec exercises, stays at 5).
    LOGIN_MAX_FAILURES_PER_IP: "1000",
    // Short leases and backoff so the fault tests (an agent killed mid-job) finish quickly.
    JOB_LEASE_SECONDS: "12",
    JOB_BACKOFF_SECONDS: "1",
    USAGE_INTERVAL: "2",
    HOST_STALE_AFTER_SECONDS: "15",
    HOST_OFFLINE_AFTER_SECONDS: "60",
    // The console spec waits out the idle timeout (e2e/portal/console.spec.ts).
    CONSOLE_IDLE_SECONDS: E2E_CONSOLE_IDLE_SECONDS,
    METRICS_TOKEN: metricsToken,
    SMTP_URL: smtp.url,
    ...backups.env,
    BACKUP_SECRET_KEY: backupSecretKey,
  };
  log(`serving the app at ${baseUrl}`);
  const web = startService("[web]", process.execPath, ["--import", "tsx", "scripts/serve.ts"], {
    env,
    logFile: fs.createWriteStream(webLog),
    silent: !process.env.E2E_VERBOSE,
  });
  children.push(web);
  try {
    await waitForHttp(`${baseUrl}/login`, 120_000);
  } catch (err) {
    // The web log is otherwise silent: a start that fails must say why, in CI too.
    await new Promise((r) => setTimeout(r, 500));
    throw new Error(`${(err as Error).message}\n--- last lines of the web log ---\n${tail(webLog, 60)}`);
  }

  const worker = startService("[worker]", process.execPath, ["--conditions=react-server", "--import", "tsx", "scripts/worker.ts"], {
    env: { ...env, WORKER_INTERVAL_SECONDS: "5" },
    logFile: fs.createWriteStream(path.join(tmp!, "worker.log")),
    silent: !process.env.E2E_VERBOSE,
  });
  children.push(worker);

  // A real agent for the host "local", enrolled through the real endpoint. Each run gets its
  // own private netblock, loopback public pool and IPv6 prefix (see scripts/lib/local-agent.ts),
  // so parallel runs on one machine do not collide. Templates come from the machine-wide cache
  // (keyed by a digest of each recipe): the first run on a machine builds Debian once, later
  // runs unpack it at once; CELLBLOCK_TEMPLATE_CACHE=<empty dir> forces a fresh build.
  const agentLog = path.join(tmp!, "agent.log");
  const subnet = 100 + (process.pid % 150);
  // The agent's own metrics endpoint (host-agent/metrics.ts), scraped by the usage spec.
  const agentMetricsUrl = `http://127.0.0.1:${await freePort()}/metrics`;
  const agentMetricsToken = crypto.randomBytes(24).toString("hex");
  const agent = await startLocalAgent({
    databaseUrl,
    appUrl: baseUrl,
    stateDir: path.join(tmp!, "agent"),
    privateNetblock: `10.${subnet}.0.0/24`,
    publicPoolCidr: `127.77.${subnet}.0/28`,
    ipv6Prefix: `fd0c:b10c:ce11:${subnet.toString(16)}::/64`,
    bridge: "cbbr0",
    templateCache: process.env.CELLBLOCK_TEMPLATE_CACHE ? path.resolve(process.env.CELLBLOCK_TEMPLATE_CACHE) : undefined,
    env: {
      USAGE_INTERVAL: "2",
      AGENT_HEARTBEAT_SECONDS: "2",
      HOG_SECONDS: "4",
      HOG_CPU_PERCENT: "15",
      AGENT_METRICS_LISTEN: new URL(agentMetricsUrl).host,
      AGENT_METRICS_TOKEN: agentMetricsToken,
    },
    logFile: fs.createWriteStream(agentLog),
    silent: !process.env.E2E_VERBOSE,
  });
  // The suite's promise is real containers: without an agent it fails here rather than
  // skipping the specs that need one and passing without ever touching a host.
  if (!agent.child)
    throw new Error(
      `cannot start the local host agent: ${agent.unavailable}. The e2e suite needs root and the LXC tools (.ci/run installs lxc and busybox-static).`,
    );
  children.push(agent.child);
  e2eDatabaseUrl = databaseUrl;

  log("end-to-end tests (Playwright, Chromium)");
  try {
    await run(process.execPath, [bin("@playwright/test", "cli.js"), "test", ...passThrough], {
      env: {
        ...process.env,
        E2E_BASE_URL: baseUrl,
        E2E_DATABASE_URL: databaseUrl,
        E2E_WEB_LOG: webLog,
        E2E_METRICS_TOKEN: metricsToken,
        E2E_AGENT_LOG: agentLog,
        E2E_AGENT_BUNDLE: AGENT_BUNDLE,
        E2E_AGENT_METRICS_URL: agentMetricsUrl,
        E2E_AGENT_METRICS_TOKEN: agentMetricsToken,
        E2E_MAILBOX: mailbox,
        E2E_BACKUP_URL: backups.env.BACKUP_URL,
        E2E_LOCAL_HOST_ID: agent.hostId,
        E2E_CONSOLE_IDLE_SECONDS,
        E2E_ADMIN_PASSWORD: passwords.admin,
        E2E_BILLING_PASSWORD: passwords.billing,
        E2E_ADMIN_TOTP_SECRET: totpSecrets.admin,
        E2E_BILLING_TOTP_SECRET: totpSecrets.billing,
        E2E_CUSTOMER_PASSWORD: passwords.customer,
      },
    });
  } catch (err) {
    console.log(`\n[test] last lines of the web server log (${webLog}):\n` + tail(webLog, 60));
    throw err;
  }
}

function tail(file: string, lines: number): string {
  try {
    return fs.readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

let e2eDatabaseUrl: string | undefined;

/**
 * Containers this run's jails made on this machine: destroyed at the end, whatever happened, by
 * the lxc driver itself, so their disk images are unmounted and their NAT elements removed too.
 */
async function destroyTestContainers() {
  if (!e2eDatabaseUrl) return;
  const pgc = new (await import("pg")).default.Client({ connectionString: e2eDatabaseUrl });
  try {
    await pgc.connect();
    const { rows } = await pgc.query<{ name: string }>(`SELECT "name" FROM "Jail"`);
    const { LxcDriver } = await import("../host-agent/drivers/lxc/driver");
    const { systemRunner } = await import("../host-agent/exec");
    const { nodeDriverFs } = await import("../host-agent/drivers/driver-fs");
    const driver = new LxcDriver({ runner: systemRunner, fs: await nodeDriverFs(), bridge: "cbbr0" });
    for (const { name } of rows) {
      await driver.destroy(name).catch(() => {});
    }
  } catch {
    // the database is already gone: nothing we can look up
  } finally {
    await pgc.end().catch(() => {});
  }
}

async function cleanup() {
  await Promise.all(children.map((c) => stopService(c)));
  await smtp?.stop().catch(() => {});
  await destroyTestContainers();
  await pg?.stop().catch(() => {});
  if (tmp && !process.env.KEEP_TEST_TMP) fs.rmSync(tmp, { recursive: true, force: true });
}

let exiting = false;
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    if (exiting) return;
    exiting = true;
    void cleanup().finally(() => process.exit(130));
  });
}

main()
  .then(async (code) => {
    await cleanup();
    process.exit(code);
  })
  .catch(async (err) => {
    console.error("[test] failed:", err);
    await cleanup();
    process.exit(1);
  });
