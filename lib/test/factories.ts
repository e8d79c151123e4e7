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

export async function getOrCreatePlan(slug = "test-cell") {
  return db.plan.upsert({
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
  });
}

export async function getOrCreateTemplate(slug = "test-base") {
  return db.template.upsert({ where: { slug }, update: {}, create: { slug, name: "Test base", lxcTemplate: "busybox" } });
}
