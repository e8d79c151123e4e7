// Portal fixtures for specs that run without a host agent: a stand-in host row with address
// pools, and the agent's side of a job applied directly in the database (what the agent API
// does when a real agent reports back). Specs that need real containers use the real agent.
import crypto from "node:crypto";
import { expect, type Page } from "@playwright/test";
import { fillSignUpForm, PASSWORD, randomEmail } from "./auth";
import { allocateAddress } from "@/lib/domain/ipam/allocate-address";
import { populatePools } from "@/lib/domain/ipam/populate-pools";
import { sql } from "./db";
import { prisma } from "./jobs";

const hex = (n: number) => crypto.randomBytes(n).toString("hex");

/**
 * A stand-in host made only of rows: a /24 private netblock and a /28 public pool (from the
 * 100.64/10 range, clear of the agents' own pools). It is DRAINING from the start and only
 * holds jails a spec writes directly, so it never catches an order meant for the real agent.
 */
export async function createFakeHost(): Promise<{ id: string; stop: () => Promise<void> }> {
  const id = `e2ehost${hex(6)}`;
  const a = crypto.randomInt(0, 60);
  const b = crypto.randomInt(0, 250);
  const c = crypto.randomInt(0, 15) * 16;
  const privatePrefix = `10.${200 + (a % 50)}.${b}.`;
  const publicPrefix = `100.${64 + a}.${b}.`;
  await sql(
    `INSERT INTO "Host" ("id", "name", "fqdn", "driver", "status", "capacityJails", "capacityDiskMb", "capacityMemoryMb",
       "privateNetblock", "lastHeartbeatAt", "updatedAt")
     VALUES ($1, $1, $1 || '.e2e.test', 'LXC', 'DRAINING', 100, 500000, 64000, $2, now(), now())`,
    [id, `${privatePrefix}0/24`],
  );
  await prisma().$transaction((tx) =>
    populatePools(tx, { hostId: id, privateNetblock: `${privatePrefix}0/24`, publicPoolCidr: `${publicPrefix}${c}/28` }),
  );
  return {
    id,
    stop: async () => {
      await sql(`UPDATE "Host" SET "status" = 'DRAINING', "lastHeartbeatAt" = NULL WHERE "id" = $1`, [id]);
    },
  };
}

/** A jail row written the way ordering writes it (addresses claimed), without placement. */
export async function seedJail(email: string, hostId: string, state: "RUNNING" | "STOPPED" = "RUNNING", plan = "cell") {
  const db = prisma();
  const user = await db.user.findUniqueOrThrow({ where: { email } });
  const planRow = await db.plan.findFirstOrThrow({ where: { slug: plan } });
  const template = await db.template.findFirstOrThrow({ where: { slug: "freebsd-base" } });
  const hostname = randomHostname("seed");
  return db.$transaction(async (tx) => {
    const jail = await tx.jail.create({
      data: {
        hostname,
        name: `cbe2e${hex(5)}`,
        accountId: user.accountId!,
        planId: planRow.id,
        templateId: template.id,
        hostId,
        state,
        desiredState: state,
        jid: state === "RUNNING" ? 3 : null,
      },
    });
    await allocateAddress(tx, { hostId: hostId, kind: "PRIVATE", jailId: jail.id });
    await allocateAddress(tx, { hostId: hostId, kind: "PUBLIC", jailId: jail.id });
    return { id: jail.id, hostname, name: jail.name };
  });
}

/** What the agent API does when a jail's open jobs succeed. */
export async function agentFinishes(jailId: string, state: "RUNNING" | "STOPPED" | "DESTROYED", extra: { fingerprint?: string } = {}) {
  await sql(
    `UPDATE "Job" SET "status" = 'SUCCEEDED', "finishedAt" = now(), "startedAt" = coalesce("startedAt", now()) WHERE "jailId" = $1 AND "status" IN ('QUEUED', 'RUNNING')`,
    [jailId],
  );
  if (state === "DESTROYED") {
    await sql(`UPDATE "Jail" SET "state" = 'DESTROYED', "destroyedAt" = now() WHERE "id" = $1`, [jailId]);
    await sql(`UPDATE "IpAddress" SET "jailId" = NULL, "assignedAt" = NULL WHERE "jailId" = $1`, [jailId]);
  } else {
    await sql(
      `UPDATE "Jail" SET "state" = $2, "jid" = 7, "sshHostKeyFingerprint" = coalesce($3, "sshHostKeyFingerprint") WHERE "id" = $1`,
      [jailId, state, extra.fingerprint ?? null],
    );
  }
}

export const randomHostname = (tag = "www") => `${tag}.${hex(4)}.example.test`;

/** Signs up through the form and continues to `next` (the order path). */
export async function signUp(page: Page, next?: string) {
  const email = randomEmail("portal");
  await page.goto(next ? `/signup?next=${encodeURIComponent(next)}` : "/signup");
  await fillSignUp(page, email);
  // Sign-up hashes a password and signs in: slow on a busy two-core machine.
  await page.waitForURL((url) => url.pathname !== "/signup", { timeout: 45_000 });
  return { email, password: PASSWORD };
}

export const fillSignUp = (page: Page, email: string) =>
  fillSignUpForm(page, {
    email,
    name: "Pat Portal",
    accountName: "Pat's Jails",
    address: "3 Jail Lane",
    city: "Cellville",
    postalCode: "54321",
    country: "NL",
  });

/** Orders a jail through the order form and waits for its page; returns its id. */
export async function orderThroughForm(page: Page, hostname: string, plan = "cell"): Promise<string> {
  await page.goto(`/order?plan=${plan}`);
  await page.getByLabel("Fully-qualified hostname").fill(hostname);
  await page.getByRole("button", { name: "Order jail" }).click();
  await expect(page).toHaveURL(/\/jails\/[a-z0-9]+$/);
  return page.url().split("/").pop()!;
}

export async function jailRow(id: string) {
  const rows = await sql<{ state: string; desiredState: string; planId: string; hostname: string; accountId: string }>(
    `SELECT * FROM "Jail" WHERE "id" = $1`,
    [id],
  );
  return rows[0]!;
}

/** A jail's row, jobs, keys, addresses and audit rows as one string, to prove nothing changed. */
export async function jailSnapshot(id: string): Promise<string> {
  const [jail, jobs, keys, addrs, audit] = await Promise.all([
    sql(`SELECT * FROM "Jail" WHERE "id" = $1`, [id]),
    sql(`SELECT * FROM "Job" WHERE "jailId" = $1 ORDER BY "id"`, [id]),
    sql(`SELECT * FROM "SshKey" WHERE "jailId" = $1 ORDER BY "id"`, [id]),
    sql(`SELECT * FROM "IpAddress" WHERE "jailId" = $1 ORDER BY "id"`, [id]),
    sql(`SELECT count(*)::int AS n FROM "AuditLog" WHERE "targetId" = $1`, [id]),
  ]);
  return JSON.stringify({ jail, jobs, keys, addrs, audit });
}
