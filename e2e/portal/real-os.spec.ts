// "You have root!": a customer orders a jail on the default template — a real Debian server —
// and logs in to it from a terminal on this machine exactly as the jail page says, by key and by
// password, checking the host key fingerprint the page shows against what ssh saw. Then the disk
// quota (a full disk inside the jail, on the page, and a plan upgrade that grows it), IPv6, and
// memory as process space rather than page cache. Everything runs on the real agent `npm test`
// starts for the host "local": real containers, real sshd, real nftables NAT.
import crypto from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { count, sql } from "../helpers/db";
import { requireEnv } from "../helpers/env";
import { randomHostname, signUp } from "../helpers/portal";
import { removeClient, seenFingerprints, sshClient, sshWithKey, sshWithPassword, type SshClient } from "../helpers/ssh-client";
import { REAL_OS_TEMPLATE, chooseTemplate, templateRadio } from "../helpers/templates";

// The first Debian jail on a machine may wait for the template build (a few minutes on two cores).
test.setTimeout(12 * 60_000);

const MIB = 1024 * 1024;
let client: SshClient;
test.beforeAll(async () => {
  client = await sshClient();
});
test.afterAll(() => removeClient(client));

/** Orders a Debian jail through the form on `plan` and waits until the page says Running with no job open. */
async function orderDebian(page: Page, plan: string) {
  await page.goto(`/order?plan=${plan}`);
  await chooseTemplate(page, REAL_OS_TEMPLATE);
  const hostname = randomHostname("deb");
  await page.getByLabel("Fully-qualified hostname").fill(hostname);
  await page.getByRole("button", { name: "Order jail" }).click();
  await expect(page).toHaveURL(/\/jails\/[a-z0-9]+$/, { timeout: 30_000 });
  const id = page.url().split("/").pop()!;
  await expect(page.getByTestId("jail-state").first()).toHaveText("Running", { timeout: 10 * 60_000 });
  await settled(page, id);
  const [jail] = await sql<{ name: string; hostId: string }>(`SELECT "name", "hostId" FROM "Jail" WHERE "id" = $1`, [id]);
  expect(jail!.hostId).toBe(requireEnv("E2E_LOCAL_HOST_ID"));
  return { id, hostname, name: jail!.name };
}

async function settled(page: Page, jailId: string) {
  await expect.poll(() => count("Job", `"jailId" = $1 AND "status" IN ('QUEUED', 'RUNNING')`, [jailId]), { timeout: 180_000 }).toBe(0);
  await expect(page.getByTestId("job-in-progress")).toHaveCount(0, { timeout: 30_000 });
  const failed = await sql<{ type: string; error: string }>(
    `SELECT "type", "error" FROM "Job" WHERE "jailId" = $1 AND "status" = 'FAILED'`,
    [jailId],
  );
  expect(failed, JSON.stringify(failed)).toEqual([]);
}

/** The address in the page's "How to reach it" box: `ssh root@<address>`. */
async function shownAddress(page: Page, testId = "ssh-command") {
  const text = (await page.getByTestId(testId).textContent())!.trim();
  const m = /^ssh root@(\S+)$/.exec(text);
  expect(m, text).not.toBeNull();
  return m![1]!;
}

async function addKey(page: Page, jailId: string) {
  await page.getByLabel("Public key").fill(client.publicKey);
  await page.getByRole("button", { name: "Add key" }).click();
  await expect(page.getByTestId("ssh-keys")).toContainText("customer@e2e");
  await settled(page, jailId);
}

/** The page's meter for `testId`: used and limit, from its aria values. */
async function meter(page: Page, testId: string) {
  const m = page.getByTestId(testId).getByRole("meter");
  return { used: Number(await m.getAttribute("aria-valuenow")), limit: Number(await m.getAttribute("aria-valuemax")) };
}

test("a Debian jail from the default template: ssh by key and by password to the address on the page, the fingerprint ssh sees, IPv6, memory", async ({
  page,
}) => {
  await signUp(page, "/order?plan=cell");
  await page.goto("/order?plan=cell");
  // The real OS is what a new customer gets without choosing.
  await expect(templateRadio(page, REAL_OS_TEMPLATE)).toBeChecked();
  const { id, hostname } = await orderDebian(page, "cell");

  // The host built (or already had) the template through a job the admin can see.
  const [build] = await sql<{ status: string; result: { templateBytes?: number } }>(
    `SELECT j."status", j."result" FROM "TemplateBuild" b JOIN "Job" j ON j."id" = b."jobId"
     JOIN "Template" t ON t."id" = b."templateId" WHERE t."slug" = $1 AND b."hostId" = $2`,
    [REAL_OS_TEMPLATE.slug, requireEnv("E2E_LOCAL_HOST_ID")],
  );
  expect(build).toMatchObject({ status: "SUCCEEDED" });
  expect(build!.result.templateBytes).toBeGreaterThan(100 * MIB);

  // Usage from the first minute: the page has a measurement soon after the jail runs.
  await expect(async () => {
    await page.reload();
    await expect(page.getByText("No measurements yet.")).toHaveCount(0, { timeout: 1000 });
  }).toPass({ timeout: 30_000 });

  // By key, to the public address the page shows.
  const address = await shownAddress(page);
  expect(address).toMatch(/^127\.77\./);
  await addKey(page, id);
  expect((await sshWithKey(client, address, "hostname")).stdout.trim()).toBe(hostname);
  // The fingerprint on the page is the one sshd presented.
  const shown = (await page.getByTestId("host-key-fingerprint").textContent())!.trim();
  expect(await seenFingerprints(client, address)).toEqual([shown]);

  // By password, once the customer has set one (and not before).
  const password = `Root-pass-${crypto.randomBytes(6).toString("hex")}`;
  await expect(sshWithPassword(client, address, password, "hostname")).rejects.toThrow();
  const form = page.getByRole("form", { name: "Set root password" });
  await form.getByLabel("New root password").fill(password);
  await form.getByLabel("Root password again").fill(password);
  await form.getByRole("button", { name: "Set root password" }).click();
  await expect(page.getByText("The new root password is on its way to the jail.")).toBeVisible();
  await settled(page, id);
  expect((await sshWithPassword(client, address, password, "hostname")).stdout.trim()).toBe(hostname);

  // IPv6: the address on the page answers from this host.
  const ipv6 = (await page.getByTestId("ipv6").textContent())!.trim();
  expect(ipv6).toMatch(/^fd0c:b10c:ce11:/);
  expect(await shownAddress(page, "ssh-command-ipv6")).toBe(ipv6);
  expect((await sshWithKey(client, ipv6, "hostname")).stdout.trim()).toBe(hostname);
  expect((await sshWithKey(client, ipv6, "ip", "-6", "-o", "addr", "show", "scope", "global")).stdout).toContain(`${ipv6}/64`);

  // Memory is what the processes hold: a 200 MB file written and closed is page cache, not process space.
  const samples = (after: Date) =>
    sql<{ memoryBytes: string; sampledAt: Date }>(
      `SELECT "memoryBytes"::text, "sampledAt" FROM "UsageSample" WHERE "jailId" = $1 AND "sampledAt" > $2 ORDER BY "sampledAt"`,
      [id, after],
    );
  const before = Math.max(...(await samples(new Date(0))).slice(-3).map((s) => Number(s.memoryBytes)));
  await sshWithKey(client, address, "dd", "if=/dev/zero", "of=/root/200mb", "bs=1M", "count=200", "conv=fsync");
  const written = new Date();
  await expect.poll(async () => (await samples(written)).length, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
  const after = Math.max(...(await samples(written)).map((s) => Number(s.memoryBytes)));
  expect(after - before).toBeLessThan(8 * MIB);
  await page.reload();
  expect((await meter(page, "meter-memory")).used).toBeLessThan(before + 8 * MIB);
});

test("the disk quota holds inside the jail: a full disk fails with ENOSPC and shows full on the page; an upgrade grows it online", async ({
  page,
}) => {
  // Two small plans of this spec's own, so that filling the disk takes seconds (xfs images start at 300 MB).
  const tag = crypto.randomBytes(3).toString("hex");
  const small = `e2e-disk-${tag}-s`;
  const large = `e2e-disk-${tag}-l`;
  for (const [slug, mb, order] of [
    [small, 512, 90],
    [large, 768, 91],
  ] as const) {
    await sql(
      `INSERT INTO "Plan" ("id", "slug", "name", "description", "priceCents", "diskQuotaMb", "memoryLimitMb", "maxProcesses",
         "cpuPercent", "bandwidthGb", "overagePricePerGbCents", "sortOrder", "active", "updatedAt")
       VALUES ($1, $1, $2, 'e2e: a small disk', 100, $3, 256, 64, 50, 10, 10, $4, true, now())`,
      [slug, `Disk ${mb} ${tag}`, mb, order],
    );
  }
  try {
    await signUp(page);
    const { id } = await orderDebian(page, small);
    const address = await shownAddress(page);
    await addKey(page, id);

    const size = async () => Number((await sshWithKey(client, address, "df", "-B1", "--output=size", "/")).stdout.split("\n")[1]);
    expect(Math.abs((await size()) - 512 * MIB)).toBeLessThan(2 * MIB);

    // Writing past the quota fails inside the jail, whatever root does.
    const fill = sshWithKey(client, address, "dd", "if=/dev/zero", "of=/root/fill", "bs=1M", "count=1024");
    await expect(fill).rejects.toThrow(/No space left on device/);

    // The agent measures the image's file system: the page shows the disk (about) full.
    await expect(async () => {
      await page.reload();
      const disk = await meter(page, "meter-disk");
      expect(disk.limit).toBe(512 * MIB);
      expect(disk.used / disk.limit).toBeGreaterThan(0.97);
    }).toPass({ timeout: 30_000 });

    // An upgrade grows the image online: df inside shows the new size, the jail never stopped.
    const pid = (await sql<{ initPid: number }>(`SELECT "initPid" FROM "Jail" WHERE "id" = $1`, [id]))[0]!.initPid;
    await page.getByLabel("New plan").selectOption(large);
    await page.getByRole("button", { name: "Change plan" }).click();
    await expect(page.getByText("Upgraded: the new limits are being applied.")).toBeVisible();
    await settled(page, id);
    expect(Math.abs((await size()) - 768 * MIB)).toBeLessThan(2 * MIB);
    expect((await sql<{ initPid: number }>(`SELECT "initPid" FROM "Jail" WHERE "id" = $1`, [id]))[0]!.initPid).toBe(pid);
    await sshWithKey(client, address, "dd", "if=/dev/zero", "of=/root/more", "bs=1M", "count=100");
  } finally {
    await sql(`UPDATE "Plan" SET "active" = false WHERE "slug" IN ($1, $2)`, [small, large]);
  }
});
