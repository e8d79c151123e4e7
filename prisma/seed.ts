// Seed data that makes a fresh install explorable: plans modelled on the iMeme figures
// (4 GB disk, 100 MB "process space", $10 a month), templates (a real Debian 12 server first,
// then the small busybox ones the fast tests use), and one login for each role. Idempotent: plans and templates are upserted by slug, users created only if missing.
//
// Passwords come from SEED_ADMIN_PASSWORD / SEED_BILLING_PASSWORD / SEED_CUSTOMER_PASSWORD;
// any not given is generated and returned once, for the caller to print. None is in the repo.
// Staff must sign in with a second factor, so the seeded admin and billing clerk are enrolled
// with a TOTP secret (SEED_ADMIN_TOTP_SECRET / SEED_BILLING_TOTP_SECRET, base32, or generated),
// returned with the password for the caller to print: add it to an authenticator app. The secret
// is stored sealed under TOTP_ENCRYPTION_KEY (lib/auth/totp-secret-seal.ts), and every start seals
// again what is still in clear (an install from before sealing) or under the previous key.
import crypto from "node:crypto";
import { hashPassword } from "@/lib/auth/password";
import { newTotpSecret } from "@/lib/auth/totp";
import { openTotpSecret, sealTotpSecret, sealedKeyId, totpKeyRing, type TotpKeyRing } from "@/lib/auth/totp-secret-seal";
import { Prisma } from "@/lib/generated/prisma/client";
import { lxcRootfs } from "@/lib/schemas/jobs";
import type { createPrismaClient } from "@/lib/db-client";

type Db = ReturnType<typeof createPrismaClient>;

export const PLANS = [
  {
    slug: "cell",
    name: "Cell",
    description: "The classic: room for a Zope site, cron and an IRC bot.",
    priceCents: 1000,
    diskQuotaMb: 4096,
    memoryLimitMb: 100,
    maxProcesses: 40,
    cpuPercent: 25,
    bandwidthGb: 50,
    overagePricePerGbCents: 50,
    sortOrder: 1,
  },
  {
    slug: "block",
    name: "Block",
    description: "For busier web apps and small databases.",
    priceCents: 2000,
    diskQuotaMb: 10240,
    memoryLimitMb: 256,
    maxProcesses: 80,
    cpuPercent: 50,
    bandwidthGb: 200,
    overagePricePerGbCents: 40,
    sortOrder: 2,
  },
  {
    slug: "yard",
    name: "Yard",
    description: "A full core and a gigabyte of process space.",
    priceCents: 4000,
    diskQuotaMb: 25600,
    memoryLimitMb: 1024,
    maxProcesses: 256,
    cpuPercent: 100,
    bandwidthGb: 1000,
    overagePricePerGbCents: 30,
    sortOrder: 3,
  },
] as const;

/**
 * What the Debian template's root holds besides Debian's minimal base: sshd and what a customer
 * expects on a small server (systemd, the ip and ps tools, ping, a pager, an editor, CA
 * certificates). Changing it means a new `version`: every host builds the new one once.
 */
export const DEBIAN_PACKAGES = [
  "systemd-sysv",
  "openssh-server",
  "iproute2",
  "iputils-ping",
  "procps",
  "less",
  "nano",
  "ca-certificates",
  "netbase",
];

export const TEMPLATES = [
  {
    slug: "debian-12",
    name: "Debian 12",
    description: "A minimal Debian 12 (bookworm) server: systemd, OpenSSH, ip, ps, ping, less, nano. Add what you need with apt.",
    zfsSnapshot: null,
    tarballPath: null,
    lxcTemplate: "busybox",
    lxcRootfs: { kind: "mmdebstrap", suite: "bookworm", variant: "minbase", packages: DEBIAN_PACKAGES },
    version: 1,
    sortOrder: 0,
  },
  {
    slug: "freebsd-base",
    name: "FreeBSD base",
    description: "A minimal FreeBSD userland: sh, cron, syslogd, sshd. Add what you need with pkg.",
    zfsSnapshot: "zroot/cellblock/templates/base@current",
    tarballPath: "/usr/local/cellblock/templates/base.txz",
    lxcTemplate: "busybox",
    lxcRootfs: null,
    version: 1,
    sortOrder: 1,
  },
  {
    slug: "web-stack",
    name: "Web stack",
    description: "The base userland plus a web server answering on port 8080, ready for your site.",
    zfsSnapshot: "zroot/cellblock/templates/web@current",
    tarballPath: "/usr/local/cellblock/templates/web.txz",
    lxcTemplate: "busybox",
    lxcRootfs: null,
    version: 1,
    sortOrder: 2,
  },
];

export const RESERVED_NAMES = [
  { kind: "SUFFIX" as const, value: "cellblock.local", reason: "The panel's own names" },
  { kind: "SUFFIX" as const, value: "cellblock.internal", reason: "The panel's own names" },
  { kind: "SUFFIX" as const, value: "localhost", reason: "Names that resolve to the machine itself" },
  ...["paypal", "apple", "google", "microsoft", "amazon", "icloud", "netflix", "facebook"].map((value) => ({
    kind: "LABEL" as const,
    value,
    reason: "Brand names phishing pages pose as",
  })),
];

export type SeedLogin = { role: "ADMIN" | "BILLING" | "CUSTOMER"; email: string; password?: string; totpSecret?: string; created: boolean };

const generate = () => crypto.randomBytes(12).toString("base64url");

export async function seed(db: Db, env: NodeJS.ProcessEnv = process.env): Promise<SeedLogin[]> {
  const ring = totpKeyRing(env);
  await resealTotpSecrets(db, ring);
  for (const plan of PLANS) {
    const row = await db.plan.upsert({ where: { slug: plan.slug }, create: plan, update: {} });
    // The price history the invoice run reads: this price since the beginning.
    await db.planPrice.upsert({
      where: { planId_effectiveFrom: { planId: row.id, effectiveFrom: new Date(0) } },
      create: { planId: row.id, priceCents: row.priceCents, effectiveFrom: new Date(0) },
      update: {},
    });
  }
  for (const t of TEMPLATES) {
    // The recipe is checked with the schema the agent uses before it is stored.
    const data = { ...t, lxcRootfs: t.lxcRootfs === null ? Prisma.JsonNull : lxcRootfs.parse(t.lxcRootfs) };
    await db.template.upsert({ where: { slug: t.slug }, create: data, update: {} });
  }

  // The hostname policy's starting list (staff edit it at /admin/reserved-names): the provider's
  // own names, and brand labels phishing pages pose as.
  for (const r of RESERVED_NAMES) {
    await db.reservedName.upsert({ where: { kind_value: { kind: r.kind, value: r.value } }, create: r, update: {} });
  }

  const logins: SeedLogin[] = [];
  const staff = [
    {
      role: "ADMIN" as const,
      email: env.SEED_ADMIN_EMAIL ?? "admin@cellblock.local",
      name: "Ada Admin",
      pw: env.SEED_ADMIN_PASSWORD,
      totp: env.SEED_ADMIN_TOTP_SECRET,
    },
    {
      role: "BILLING" as const,
      email: env.SEED_BILLING_EMAIL ?? "billing@cellblock.local",
      name: "Bill Clerk",
      pw: env.SEED_BILLING_PASSWORD,
      totp: env.SEED_BILLING_TOTP_SECRET,
    },
  ];
  for (const s of staff) {
    const existing = await db.user.findUnique({ where: { email: s.email }, select: { id: true } });
    if (existing) {
      logins.push({ role: s.role, email: s.email, created: false });
      continue;
    }
    const password = s.pw ?? generate();
    const totpSecret = s.totp?.replace(/\s+/g, "").toUpperCase() || newTotpSecret();
    if (!/^[A-Z2-7]{16,}$/.test(totpSecret))
      throw new Error(`the TOTP secret for ${s.email} is not base32 (A-Z, 2-7, at least 16 letters)`);
    const passwordHash = await hashPassword(password);
    await db.$transaction(async (tx) => {
      const user = await tx.user.create({ data: { email: s.email, name: s.name, role: s.role, passwordHash }, select: { id: true } });
      await tx.twoFactorSecret.create({
        data: { userId: user.id, secretSealed: sealTotpSecret({ userId: user.id, secret: totpSecret }, ring), confirmedAt: new Date() },
      });
    });
    logins.push({ role: s.role, email: s.email, password, totpSecret, created: true });
  }

  const customerEmail = env.SEED_CUSTOMER_EMAIL ?? "demo@cellblock.local";
  const existingCustomer = await db.user.findUnique({ where: { email: customerEmail }, select: { id: true } });
  if (existingCustomer) {
    logins.push({ role: "CUSTOMER", email: customerEmail, created: false });
  } else {
    const password = env.SEED_CUSTOMER_PASSWORD ?? generate();
    const passwordHash = await hashPassword(password);
    await db.$transaction(async (tx) => {
      const account = await tx.account.create({
        data: {
          name: "Demo Customer",
          billingEmail: customerEmail,
          addressLine1: "1 Example Street",
          city: "Springfield",
          postalCode: "12345",
          country: "US",
        },
      });
      await tx.user.create({ data: { email: customerEmail, name: "Dana Demo", role: "CUSTOMER", passwordHash, accountId: account.id } });
    });
    logins.push({ role: "CUSTOMER", email: customerEmail, password, created: true });
  }
  return logins;
}

/**
 * Seals every TOTP secret that is in clear (enrolled before secrets were sealed) or sealed under
 * another key than TOTP_ENCRYPTION_KEY (a rotation) under the current key. Conditional on the
 * stored value, so a concurrent change wins. A secret under a key that is not configured is left
 * as it is and named: only its owner's sign-in fails, with the key id in the server's log.
 * @param onlyUserIds limits the pass to these logins (tests share one database).
 * @returns how many were sealed again.
 */
export async function resealTotpSecrets(db: Db, ring: TotpKeyRing, onlyUserIds?: string[]): Promise<number> {
  if (!ring.current) return 0;
  const rows = await db.twoFactorSecret.findMany({
    where: onlyUserIds ? { userId: { in: onlyUserIds } } : {},
    select: { userId: true, secretSealed: true },
  });
  let n = 0;
  for (const row of rows) {
    if (sealedKeyId(row.secretSealed) === ring.current.id) continue;
    let secret: string;
    if (sealedKeyId(row.secretSealed) === null) secret = row.secretSealed;
    else {
      try {
        secret = openTotpSecret({ userId: row.userId, sealed: row.secretSealed }, ring).secret;
      } catch (err) {
        console.warn(`[seed] the TOTP secret of user ${row.userId} was left as it is: ${(err as Error).message}`);
        continue;
      }
    }
    const sealed = sealTotpSecret({ userId: row.userId, secret }, ring);
    const moved = await db.twoFactorSecret.updateMany({
      where: { userId: row.userId, secretSealed: row.secretSealed },
      data: { secretSealed: sealed },
    });
    n += moved.count;
  }
  return n;
}
