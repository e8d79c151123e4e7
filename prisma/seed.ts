// Seed data that makes a fresh install explorable: plans modelled on the iMeme figures
// (4 GB disk, 100 MB "process space", $10 a month), two templates, and one login for each
// role. Idempotent: plans and templates are upserted by slug, users created only if missing.
//
// Passwords come from SEED_ADMIN_PASSWORD / SEED_BILLING_PASSWORD / SEED_CUSTOMER_PASSWORD;
// any not given is generated and returned once, for the caller to print. None is in the repo.
import crypto from "node:crypto";
import { hashPassword } from "@/lib/auth/password";
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

export const TEMPLATES = [
  {
    slug: "freebsd-base",
    name: "FreeBSD base",
    description: "A minimal FreeBSD userland: sh, cron, syslogd, sshd. Add what you need with pkg.",
    zfsSnapshot: "zroot/cellblock/templates/base@current",
    tarballPath: "/usr/local/cellblock/templates/base.txz",
    lxcTemplate: "busybox",
    sortOrder: 1,
  },
  {
    slug: "web-stack",
    name: "Web stack",
    description: "The base userland plus a web server answering on port 8080, ready for your site.",
    zfsSnapshot: "zroot/cellblock/templates/web@current",
    tarballPath: "/usr/local/cellblock/templates/web.txz",
    lxcTemplate: "busybox",
    sortOrder: 2,
  },
] as const;

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

export type SeedLogin = { role: "ADMIN" | "BILLING" | "CUSTOMER"; email: string; password?: string; created: boolean };

const generate = () => crypto.randomBytes(12).toString("base64url");

export async function seed(db: Db, env: NodeJS.ProcessEnv = process.env): Promise<SeedLogin[]> {
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
    await db.template.upsert({ where: { slug: t.slug }, create: t, update: {} });
  }

  // The hostname policy's starting list (staff edit it at /admin/reserved-names): the provider's
  // own names, and brand labels phishing pages pose as.
  for (const r of RESERVED_NAMES) {
    await db.reservedName.upsert({ where: { kind_value: { kind: r.kind, value: r.value } }, create: r, update: {} });
  }

  const logins: SeedLogin[] = [];
  const staff = [
    { role: "ADMIN" as const, email: env.SEED_ADMIN_EMAIL ?? "admin@cellblock.local", name: "Ada Admin", pw: env.SEED_ADMIN_PASSWORD },
    {
      role: "BILLING" as const,
      email: env.SEED_BILLING_EMAIL ?? "billing@cellblock.local",
      name: "Bill Clerk",
      pw: env.SEED_BILLING_PASSWORD,
    },
  ];
  for (const s of staff) {
    const existing = await db.user.findUnique({ where: { email: s.email }, select: { id: true } });
    if (existing) {
      logins.push({ role: s.role, email: s.email, created: false });
      continue;
    }
    const password = s.pw ?? generate();
    await db.user.create({ data: { email: s.email, name: s.name, role: s.role, passwordHash: await hashPassword(password) } });
    logins.push({ role: s.role, email: s.email, password, created: true });
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
