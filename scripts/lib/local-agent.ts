// The local jailing host for `npm start` and the test suite: a Host row named "local" with the
// lxc driver, enrolled through the real enrolment endpoint and served by a real agent process.
// When this machine cannot run containers (no lxc tools, not root), the host is marked
// DISABLED with the reason, which the admin console shows.
//
// Its addresses are chosen so that everything stays on this machine (DESIGN.md, "Network rule"):
//   - public pool 127.77.0.0/28, a loopback range: the agent DNATs each address to its jail
//     (nftables, with route_localnet on the jails' bridge), so `ssh root@127.77.0.2`, the command
//     the jail page shows, works when typed on this machine and reaches nothing beyond it;
//   - IPv6 prefix fd0c:b10c:ce11::/64, a ULA on the jails' bridge: the host holds ::1, each jail
//     one address, reachable from this machine only (nothing routes it elsewhere).
// Test runs pass their own (127.77.<n>.0/28, fd0c:b10c:ce11:<n>::/64), so a test run beside
// `npm start` never hands out an address the other uses.
import fs from "node:fs";
import path from "node:path";
import type { ChildProcess } from "node:child_process";
import { execFileSync } from "node:child_process";
import { run, startService } from "./run";
import { bundleAgent } from "./agent-bundle";
import { agentRunArgs } from "@/lib/hosts/agent-launch";

/** The default install's public pool: loopback addresses the agent NATs to the jails (see the header). */
export const LOCAL_PUBLIC_POOL = "127.77.0.0/28";
/** The default install's IPv6 prefix: a ULA (RFC 4193) on the jails' bridge. */
export const LOCAL_IPV6_PREFIX = "fd0c:b10c:ce11::/64";

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
  // Every jail's disk is an xfs image (host-agent/drivers/lxc/disk-image.ts).
  if (!["/usr/sbin/mkfs.xfs", "/sbin/mkfs.xfs"].some((f) => fs.existsSync(f))) problems.push("xfsprogs is not installed");
  return problems.length ? `The local host cannot run jails: ${problems.join("; ")}.` : null;
}

export async function startLocalAgent(opts: {
  databaseUrl: string;
  appUrl: string;
  stateDir: string;
  name?: string;
  privateNetblock?: string;
  publicPoolCidr?: string;
  ipv6Prefix?: string | null;
  bridge?: string | null;
  /** Where the agent caches built templates (default: the machine-wide /var/cache/cellblock/templates). */
  templateCache?: string;
  env?: Record<string, string>;
  /** Node options for the agent process (default AGENT_NODE_FLAGS, as a host runs it; bench:agent-scale compares with []). */
  nodeFlags?: readonly string[];
  logFile?: NodeJS.WritableStream;
  silent?: boolean;
}): Promise<LocalAgent> {
  const name = opts.name ?? "local";
  const privateNetblock = opts.privateNetblock ?? "10.77.0.0/24";
  const publicPoolCidr = opts.publicPoolCidr ?? LOCAL_PUBLIC_POOL;
  const ipv6Prefix = opts.ipv6Prefix === undefined ? LOCAL_IPV6_PREFIX : opts.ipv6Prefix;
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
          unavailableReason: unavailable,
        },
        update: unavailable ? { status: "DISABLED", unavailableReason: unavailable } : {},
      });
      // The host's own pools: its private netblock, the loopback public range and the IPv6
      // prefix. Re-running adds only what is missing, so a local host made before it had an
      // IPv6 prefix gets one (its jails gain IPv6 when reinstalled).
      await populatePools(tx, { hostId: host.id, privateNetblock: host.privateNetblock, publicPoolCidr, ipv6Prefix });
      return host;
    });
    if (unavailable) return { child: null, hostId: host.id, unavailable, configFile };
    if (host.status === "DISABLED" && host.unavailableReason?.startsWith("The local host cannot run jails")) {
      await db.host.update({ where: { id: host.id }, data: { status: "ACTIVE", unavailableReason: null } });
    }

    // The agent as a host runs it: the bundled file (scripts/lib/agent-bundle.ts).
    const { file: agentBundle } = await bundleAgent();
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
          agentBundle,
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
          ...(opts.templateCache ? ["--template-cache", opts.templateCache] : []),
        ],
        { quiet: true },
      );
    }
    const child = startService("[agent]", process.execPath, agentRunArgs(agentBundle, configFile, opts.nodeFlags), {
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
