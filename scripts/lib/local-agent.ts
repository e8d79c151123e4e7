// The local jailing host for `npm start` and the test suite: a Host row named "local" with the
// lxc driver, enrolled through the real enrolment endpoint and served by a real agent process.
// When this machine cannot run containers (no lxc tools, not root), the host is marked
// DISABLED with the reason, which the admin console shows.
import fs from "node:fs";
import path from "node:path";
import type { ChildProcess } from "node:child_process";
import { execFileSync } from "node:child_process";
import { run, startService } from "./run";

export type LocalAgent = { child: ChildProcess | null; hostId: string; unavailable: string | null; configFile: string };

export function localHostUnavailableReason(): string | null {
  const problems: string[] = [];
  if (process.getuid?.() !== 0) problems.push("the panel does not run as root, which LXC needs here");
  try {
    execFileSync("lxc-create", ["--version"], { stdio: "ignore" });
  } catch {
    problems.push("the LXC tools are not installed (apt-get install lxc)");
  }
  if (!fs.existsSync("/usr/share/lxc/templates/lxc-busybox") || !fs.existsSync("/bin/busybox"))
    problems.push("busybox-static is not installed");
  return problems.length ? `The local host cannot run jails: ${problems.join("; ")}.` : null;
}

export async function startLocalAgent(opts: {
  databaseUrl: string;
  appUrl: string;
  stateDir: string;
  name?: string;
  privateNetblock?: string;
  publicPoolCidr?: string;
  bridge?: string | null;
  env?: Record<string, string>;
  logFile?: NodeJS.WritableStream;
  silent?: boolean;
}): Promise<LocalAgent> {
  const name = opts.name ?? "local";
  const privateNetblock = opts.privateNetblock ?? "10.77.0.0/24";
  const publicPoolCidr = opts.publicPoolCidr ?? "198.51.100.0/28";
  const { createPrismaClient } = await import("@/lib/db-client");
  const { populatePools } = await import("@/lib/domain/ipam/populate-pools");
  const { hashSecret, newSecret } = await import("@/lib/domain/hosts/agent-secrets");
  const db = createPrismaClient(opts.databaseUrl);
  const configFile = path.join(opts.stateDir, "agent.json");
  try {
    const unavailable = localHostUnavailableReason();
    const host = await db.$transaction(async (tx) => {
      const host = await tx.host.upsert({
        where: { name },
        create: {
          name,
          fqdn: `${name}.cellblock.internal`,
          driver: "LXC",
          status: unavailable ? "DISABLED" : "PENDING",
          capacityJails: 50,
          capacityDiskMb: 200_000,
          capacityMemoryMb: 16_000,
          privateNetblock,
          publicPoolCidr,
          unavailableReason: unavailable,
        },
        update: unavailable ? { status: "DISABLED", unavailableReason: unavailable } : {},
      });
      await populatePools(tx, { hostId: host.id, privateNetblock: host.privateNetblock, publicPoolCidr: host.publicPoolCidr });
      return host;
    });
    if (unavailable) return { child: null, hostId: host.id, unavailable, configFile };
    if (host.status === "DISABLED" && host.unavailableReason?.startsWith("The local host cannot run jails")) {
      await db.host.update({ where: { id: host.id }, data: { status: "ACTIVE", unavailableReason: null } });
    }

    const enrolled = readEnrolment(configFile);
    if (!enrolled || enrolled.hostId !== host.id || enrolled.url !== opts.appUrl) {
      // Issue a one-time token and enrol through the real endpoint, as an admin would.
      const token = newSecret();
      await db.host.update({
        where: { id: host.id },
        data: { enrollTokenHash: hashSecret(token), enrollTokenExpiresAt: new Date(Date.now() + 600_000) },
      });
      await run(
        process.execPath,
        [
          "--import",
          "tsx",
          "host-agent/cli.ts",
          "enroll",
          "--url",
          opts.appUrl,
          // --token=… (not "--token …"): a base64url token may start with "-", which an
          // argument parser takes for an option.
          `--token=${token}`,
          "--config",
          configFile,
          "--driver",
          "lxc",
          ...(opts.bridge === null ? [] : ["--bridge", opts.bridge ?? "cbbr0"]),
        ],
        { quiet: true },
      );
    }
    const child = startService("[agent]", process.execPath, ["--import", "tsx", "host-agent/cli.ts", "run", "--config", configFile], {
      env: { ...process.env, ...opts.env },
      logFile: opts.logFile,
      silent: opts.silent,
    });
    return { child, hostId: host.id, unavailable: null, configFile };
  } finally {
    await db.$disconnect();
  }
}

function readEnrolment(file: string): { hostId: string; url: string } | null {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as { hostId: string; url: string };
  } catch {
    return null;
  }
}
