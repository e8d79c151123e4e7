// Portal fixtures for specs that run without a host agent: a stand-in host row with address
// pools, and the agent's side of a job applied directly in the database (what the agent API
// does when a real agent reports back). Specs that need real containers use the real agent.
import crypto from "node:crypto";
import { expect, type Page } from "@playwright/test";
import { PASSWORD, randomEmail } from "./auth";
import { sql } from "./db";

const hex = (n: number) => crypto.randomBytes(n).toString("hex");

/**
 * An ACTIVE host with a fresh heartbeat, a /24 private netblock and a /28 public pool, made
 * only of rows. Its heartbeat goes stale after 30 s, so it takes orders only while a spec
 * keeps it alive; retireFakeHost takes it out of placement for good.
 */
export async function createFakeHost(capacityJails = 100): Promise<{ id: string }> {
  const id = `e2ehost${hex(6)}`;
  const a = crypto.randomInt(0, 250);
  const b = crypto.randomInt(0, 250);
  const c = crypto.randomInt(0, 15) * 16;
  await sql(
    `INSERT INTO "Host" ("id", "name", "fqdn", "driver", "status", "capacityJails", "capacityDiskMb", "capacityMemoryMb",
       "privateNetblock", "publicPoolCidr", "lastHeartbeatAt", "updatedAt")
     VALUES ($1, $1, $1 || '.e2e.test', 'LXC', 'ACTIVE', $2, 500000, 64000, $3, $4, now(), now())`,
    [id, capacityJails, `10.${200 + (a % 50)}.${b}.0/24`, `198.18.${a}.${c}/28`],
  );
  await sql(
    `INSERT INTO "IpAddress" ("id", "hostId", "kind", "address", "sortKey")
     SELECT $1 || '-v' || n, $1, 'PRIVATE', $2 || n, n FROM generate_series(2, 254) n`,
    [id, `10.${200 + (a % 50)}.${b}.`],
  );
  await sql(
    `INSERT INTO "IpAddress" ("id", "hostId", "kind", "address", "sortKey")
     SELECT $1 || '-p' || n, $1, 'PUBLIC', $2 || ($3::int + n), n FROM generate_series(1, 14) n`,
    [id, `198.18.${a}.`, c],
  );
  return { id };
}

export async function heartbeat(hostId: string) {
  await sql(`UPDATE "Host" SET "lastHeartbeatAt" = now() WHERE "id" = $1`, [hostId]);
}

export async function retireFakeHost(hostId: string) {
  await sql(`UPDATE "Host" SET "status" = 'DRAINING', "lastHeartbeatAt" = NULL WHERE "id" = $1`, [hostId]);
}

/** What the agent API does when a jail's open jobs succeed. */
export async function agentFinishes(jailId: string, state: "RUNNING" | "STOPPED" | "DESTROYED", extra: { fingerprint?: string } = {}) {
  await sql(`UPDATE "Job" SET "status" = 'SUCCEEDED', "finishedAt" = now(), "startedAt" = coalesce("startedAt", now()) WHERE "jailId" = $1 AND "status" IN ('QUEUED', 'RUNNING')`, [jailId]);
  if (state === "DESTROYED") {
    await sql(`UPDATE "Jail" SET "state" = 'DESTROYED', "destroyedAt" = now() WHERE "id" = $1`, [jailId]);
    await sql(`UPDATE "IpAddress" SET "jailId" = NULL, "assignedAt" = NULL WHERE "jailId" = $1`, [jailId]);
  } else {
    await sql(`UPDATE "Jail" SET "state" = $2, "jid" = 7, "sshHostKeyFingerprint" = coalesce($3, "sshHostKeyFingerprint") WHERE "id" = $1`, [jailId, state, extra.fingerprint ?? null]);
  }
}

export const randomHostname = (tag = "www") => `${tag}.${hex(4)}.example.test`;

/** Signs up through the form and continues to `next` (the order path). */
export async function signUp(page: Page, next?: string) {
  const email = randomEmail("portal");
  await page.goto(next ? `/signup?next=${encodeURIComponent(next)}` : "/signup");
  await fillSignUp(page, email);
  return { email, password: PASSWORD };
}

export async function fillSignUp(page: Page, email: string) {
  await page.getByLabel("Your name").fill("Pat Portal");
  await page.getByLabel("E-mail", { exact: true }).fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByLabel("Account name").fill("Pat's Jails");
  await page.getByLabel("Address", { exact: true }).fill("3 Jail Lane");
  await page.getByLabel("City").fill("Cellville");
  await page.getByLabel("Postal code").fill("54321");
  await page.getByLabel("Country").fill("NL");
  await page.getByRole("button", { name: "Create account" }).click();
}

/** Orders a jail through the order form and waits for its page; returns its id. */
export async function orderThroughForm(page: Page, hostname: string, plan = "cell"): Promise<string> {
  await page.goto(`/order?plan=${plan}`);
  await page.getByLabel("Fully-qualified hostname").fill(hostname);
  await page.getByRole("button", { name: "Order jail" }).click();
  await expect(page).toHaveURL(/\/jails\/[a-z0-9]+$/);
  return page.url().split("/").pop()!;
}

export async function jailRow(id: string) {
  const rows = await sql<{ state: string; desiredState: string; planId: string; hostname: string; accountId: string }>(`SELECT * FROM "Jail" WHERE "id" = $1`, [id]);
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
