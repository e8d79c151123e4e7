// Test data with random names, so tests never collide in the shared test database.
import crypto from "node:crypto";
import { db } from "@/lib/db";
import { hashPassword } from "@/lib/auth/password";

export const uid = () => crypto.randomBytes(5).toString("hex");
export const randomEmail = (tag = "user") => `${tag}-${uid()}@example.test`;

let cachedHash: Promise<string> | undefined;
/** All factory users share one password; hashing it once keeps the suite fast. */
export const TEST_PASSWORD = "correct horse battery staple";
const passwordHash = () => (cachedHash ??= hashPassword(TEST_PASSWORD));

export async function createCustomer(overrides: { email?: string; accountName?: string } = {}) {
  const email = overrides.email ?? randomEmail("customer");
  const account = await db.account.create({
    data: {
      name: overrides.accountName ?? `Account ${uid()}`,
      billingEmail: email,
      addressLine1: "1 Test Street",
      city: "Testville",
      postalCode: "00000",
      country: "US",
    },
  });
  const user = await db.user.create({
    data: { email, name: "Test Customer", role: "CUSTOMER", accountId: account.id, passwordHash: await passwordHash() },
  });
  return { user, account };
}

export async function createStaff(role: "ADMIN" | "BILLING") {
  return db.user.create({
    data: { email: randomEmail(role.toLowerCase()), name: `Test ${role}`, role, passwordHash: await passwordHash() },
  });
}

/** upsert that tolerates a concurrent twin: Postgres upserts race on the unique index. */
async function upsertRacing<T>(upsert: () => Promise<T>): Promise<T> {
  try {
    return await upsert();
  } catch (err) {
    if ((err as { code?: string }).code === "P2002") return upsert();
    throw err;
  }
}

export async function getOrCreatePlan(slug = "test-cell") {
  return upsertRacing(() =>
    db.plan.upsert({
      where: { slug },
      update: {},
      create: {
        slug,
        name: "Test Cell",
        priceCents: 1000,
        diskQuotaMb: 4096,
        memoryLimitMb: 100,
        maxProcesses: 40,
        cpuPercent: 25,
        bandwidthGb: 50,
        overagePricePerGbCents: 50,
      },
    }),
  );
}

export async function getOrCreateTemplate(slug = "test-base") {
  return upsertRacing(() =>
    db.template.upsert({ where: { slug }, update: {}, create: { slug, name: "Test base", lxcTemplate: "busybox" } }),
  );
}

/** A real-OS template (built on the host with mmdebstrap before jails can use it), one per call. */
export async function createOsTemplate() {
  const slug = `os-${uid()}`;
  return db.template.create({
    data: {
      slug,
      name: `Debian ${slug}`,
      lxcTemplate: "debian",
      lxcRootfs: { kind: "mmdebstrap", suite: "bookworm", variant: "minbase", packages: ["openssh-server"] },
    },
  });
}

let hostCounter = 0;

/**
 * A number no other host made by this test run has: a sequence in the test database, shared by
 * every worker and every file. (Derived from the process id and a per-file counter, two files run
 * by one worker got the same public /28; public addresses are unique across hosts, so the second
 * host silently got none and its first jail failed with "no free public address".)
 */
async function nextHostNumber(): Promise<number> {
  try {
    await db.$executeRawUnsafe(`CREATE SEQUENCE IF NOT EXISTS "cellblock_test_host_number"`);
  } catch {
    // a concurrent worker created it first
  }
  const [row] = await db.$queryRawUnsafe<Array<{ n: bigint }>>(`SELECT nextval('"cellblock_test_host_number"') AS n`);
  return Number(row!.n);
}

/** A private /24 no other host of this test database has (the same sequence as createHost's). */
export async function nextPrivateNetblock(): Promise<string> {
  return privateNetblockOf((await nextHostNumber()) % 245_760);
}

const privateNetblockOf = (n: number) => `10.${100 + (Math.floor(n / 256) % 100)}.${n % 256}.0/24`;

/**
 * An ACTIVE host with a fresh heartbeat and populated pools. Each call gets its own private
 * /24 and public /28 so concurrent tests never compete for addresses.
 */
export async function createHost(
  overrides: {
    capacityJails?: number;
    heartbeat?: Date | null;
    status?: "ACTIVE" | "STANDBY" | "DRAINING" | "PENDING" | "DISABLED";
    publicPool?: boolean;
    /** An IPv6 prefix for the host (a fresh ULA /64 by default), or null for none. */
    ipv6Prefix?: string | null;
    driver?: "LXC" | "FREEBSD";
    /** What the host's agent reported (e.g. { capabilities }). */
    facts?: Record<string, unknown>;
  } = {},
) {
  const { populatePools } = await import("@/lib/domain/ipam/populate-pools");
  const n = (await nextHostNumber()) % 245_760;
  hostCounter++;
  const tag = uid();
  const privateNetblock = privateNetblockOf(n);
  const publicPoolCidr =
    overrides.publicPool === false ? null : `100.${64 + (Math.floor(n / 4096) % 60)}.${Math.floor(n / 16) % 256}.${(n % 16) * 16}/28`;
  return db.$transaction(async (tx) => {
    const host = await tx.host.create({
      data: {
        name: `host-${tag}`,
        fqdn: `host-${tag}.test.cellblock`,
        driver: overrides.driver ?? "LXC",
        status: overrides.status ?? "ACTIVE",
        ...(overrides.facts ? { facts: overrides.facts as object } : {}),
        capacityJails: overrides.capacityJails ?? 50,
        capacityDiskMb: 500_000,
        capacityMemoryMb: 64_000,
        privateNetblock,
        lastHeartbeatAt: overrides.heartbeat === undefined ? new Date() : overrides.heartbeat,
      },
    });
    const ipv6Prefix =
      overrides.ipv6Prefix === undefined
        ? `fd00:${(n % 65536).toString(16)}:${(hostCounter % 65536).toString(16)}::/64`
        : overrides.ipv6Prefix;
    await populatePools(tx, { hostId: host.id, privateNetblock, publicPoolCidr, ipv6Prefix });
    return host;
  });
}

/** A jail row (no job, no container) on a host, with addresses allocated. */
export async function createJailRow(opts: {
  accountId: string;
  hostId: string;
  planId?: string;
  templateId?: string;
  state?: "RUNNING" | "STOPPED" | "QUEUED";
  createdAt?: Date;
  hostname?: string;
}) {
  const { allocateAddress } = await import("@/lib/domain/ipam/allocate-address");
  const planId = opts.planId ?? (await getOrCreatePlan()).id;
  const templateId = opts.templateId ?? (await getOrCreateTemplate()).id;
  const tag = uid();
  return db.$transaction(async (tx) => {
    const jail = await tx.jail.create({
      data: {
        hostname: opts.hostname ?? `j${tag}.example.test`,
        name: `cb${tag}${uid()}`.slice(0, 20),
        accountId: opts.accountId,
        hostId: opts.hostId,
        planId,
        templateId,
        state: opts.state ?? "RUNNING",
        desiredState: opts.state === "STOPPED" ? "STOPPED" : "RUNNING",
        ...(opts.createdAt ? { createdAt: opts.createdAt } : {}),
      },
    });
    const { switchPlanPeriod } = await import("@/lib/domain/jails/plan-periods");
    await switchPlanPeriod(tx, { jailId: jail.id, planId, at: jail.createdAt });
    await allocateAddress(tx, { hostId: opts.hostId, kind: "PRIVATE", jailId: jail.id });
    await allocateAddress(tx, { hostId: opts.hostId, kind: "PUBLIC", jailId: jail.id });
    return jail;
  });
}
