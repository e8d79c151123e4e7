// A private copy of the whole control plane for a bench: embedded PostgreSQL, a fresh
// migrated database, the production build served by scripts/serve.ts (startStack), and
// for startHarness a real agent for one enrolled lxc host. Benches never run inside `npm test`;
// each prints its own figures.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ChildProcess } from "node:child_process";
import { createDatabase, freePort, startEmbeddedPostgres } from "../../scripts/lib/embedded-postgres";
import { generateClient, migrateDeploy } from "../../scripts/lib/prisma-cli";
import { buildIsFresh, writeBuildStamp } from "../../scripts/lib/build-stamp";
import { run, startService, stopService, waitForHttp } from "../../scripts/lib/run";
import { seedDatabase } from "../../scripts/lib/seed-database";
import { newTotpSecret } from "@/lib/auth/totp";
import { startLocalAgent } from "../../scripts/lib/local-agent";

export type HarnessOptions = {
  /** Added to the web process's environment (METRICS_TOKEN, DB_POOL_MAX…). */
  webEnv?: Record<string, string>;
  agentEnv?: Record<string, string>;
  /** The agent's jail network: null (default) for none, or a bridge with these pools (loopback and ULA only). */
  bridge?: string | null;
  publicPoolCidr?: string;
  /** The host's private netblock (default 10.199.0.0/24). */
  privateNetblock?: string;
  ipv6Prefix?: string | null;
  templateCache?: string;
};

/**
 * The stack without an agent: embedded PostgreSQL, a migrated and seeded database (seed
 * passwords "x" × 16), the production build (built first when stale) served on 127.0.0.1.
 * For benches that play the agents themselves over HTTP (bench/fleet). Returns the app's
 * `url`, the `databaseUrl`, a Prisma client on it and `stop()`.
 */
export async function startStack(opts: Pick<HarnessOptions, "webEnv"> = {}) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cellblock-bench-"));
  fs.chmodSync(tmp, 0o755);
  const pg = await startEmbeddedPostgres({ dataDir: path.join(tmp, "pg"), persistent: false });
  await generateClient();
  await createDatabase(pg.serverUrl, "bench");
  const databaseUrl = pg.databaseUrl("bench");
  await migrateDeploy(databaseUrl);
  // Staff sign in with a second factor: the seed enrols them with these TOTP secrets.
  const totpSecrets = { admin: newTotpSecret(), billing: newTotpSecret() };
  // One TOTP sealing key for the seed and the web server (both take process.env).
  process.env.TOTP_ENCRYPTION_KEY ??= crypto.randomBytes(32).toString("hex");
  await seedDatabase(databaseUrl, {
    ...process.env,
    SEED_ADMIN_PASSWORD: "x".repeat(16),
    SEED_BILLING_PASSWORD: "x".repeat(16),
    SEED_CUSTOMER_PASSWORD: "x".repeat(16),
    SEED_ADMIN_TOTP_SECRET: totpSecrets.admin,
    SEED_BILLING_TOTP_SECRET: totpSecrets.billing,
  });
  if (!buildIsFresh()) {
    await run(process.execPath, ["node_modules/next/dist/bin/next", "build"], {
      env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
      quiet: true,
    });
    writeBuildStamp();
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const children: ChildProcess[] = [];
  children.push(
    startService("[web]", process.execPath, ["--import", "tsx", "scripts/serve.ts"], {
      env: {
        ...process.env,
        NODE_ENV: "production",
        PORT: String(port),
        HOST: "127.0.0.1",
        DATABASE_URL: databaseUrl,
        APP_URL: url,
        NEXTAUTH_SECRET: crypto.randomBytes(32).toString("hex"),
        ...opts.webEnv,
      },
      silent: true,
    }),
  );
  await waitForHttp(`${url}/login`, 60_000);
  const { createPrismaClient } = await import("@/lib/db-client");
  const db = createPrismaClient(databaseUrl);
  return {
    db,
    url,
    databaseUrl,
    tmp,
    children,
    /** The seeded staff's TOTP secrets (base32), for signing in as them. */
    totpSecrets,
    async stop() {
      await db.$disconnect();
      await Promise.all(children.map((c) => stopService(c)));
      await pg.stop();
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** The stack (startStack) and a real agent for one enrolled lxc host, long-polling before this returns. */
export async function startHarness(opts: HarnessOptions = {}) {
  const stack = await startStack(opts);
  const { db, url, databaseUrl, tmp, children } = stack;
  const launch = async (nodeFlags?: readonly string[]) => {
    const agent = await startLocalAgent({
      databaseUrl,
      appUrl: url,
      stateDir: path.join(tmp, "agent"),
      name: "bench",
      privateNetblock: opts.privateNetblock ?? "10.199.0.0/24",
      publicPoolCidr: opts.publicPoolCidr ?? "127.77.254.0/28",
      ipv6Prefix: opts.ipv6Prefix ?? null,
      bridge: opts.bridge ?? null,
      templateCache: opts.templateCache,
      env: opts.agentEnv,
      nodeFlags,
      silent: !process.env.BENCH_AGENT_LOG,
    });
    if (!agent.child) {
      await stack.stop();
      throw new Error(agent.unavailable ?? "no agent");
    }
    children.push(agent.child);
    // Wait for a heartbeat after the start so the agent is long-polling before we measure.
    const since = new Date();
    for (let i = 0; i < 100; i++) {
      const { lastHeartbeatAt } = await db.host.findUniqueOrThrow({ where: { id: agent.hostId } });
      if (lastHeartbeatAt && lastHeartbeatAt >= since) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 1000));
    return { hostId: agent.hostId, child: agent.child };
  };
  let agent = await launch();
  return {
    db,
    url,
    databaseUrl,
    hostId: agent.hostId,
    /** The agent's process (the bundled agent a host runs: scripts/lib/agent-bundle.ts). */
    get agentPid() {
      return agent.child.pid!;
    },
    /**
     * Stops the agent (SIGTERM, as a service manager would) and starts it again with these
     * Node options (default AGENT_NODE_FLAGS), same configuration and state: a like-for-like
     * comparison of how the agent is run.
     */
    async restartAgent(nodeFlags?: readonly string[]) {
      await stopService(agent.child);
      children.splice(children.indexOf(agent.child), 1);
      agent = await launch(nodeFlags);
    },
    stop: stack.stop,
  };
}

export function stats(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { n: s.length, median: q(0.5), p95: q(0.95), min: s[0]!, max: s[s.length - 1]! };
}
