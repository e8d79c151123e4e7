// Portal fixtures: signing up and ordering through the forms, a jail placed on a spec's own
// host (its agent's side then comes through the agent API: see hosts.ts), and reads of what a
// flow wrote.
import crypto from "node:crypto";
import { expect, type Page } from "@playwright/test";
import { fillSignUpForm, PASSWORD, randomEmail } from "./auth";
import { sql } from "./db";
import { orderJailOn, prisma } from "./jobs";

const hex = (n: number) => crypto.randomBytes(n).toString("hex");

/** A QUEUED jail with its CREATE job for the customer with this e-mail, on the given host. */
export async function orderFor(email: string, hostId: string, plan = "cell") {
  const user = await prisma().user.findUniqueOrThrow({ where: { email } });
  const { jail, job } = await orderJailOn(hostId, { accountId: user.accountId!, plan, hostname: randomHostname("seed") });
  return { id: jail.id, hostname: jail.hostname, name: jail.name, createJobId: job.id };
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
