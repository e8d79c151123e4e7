// Issue 12, hosts: a new host whose public pool overlaps the local host's is refused with the
// clash named; a host added by mistake (never enrolled) is removed; jail names link to the jail.
import crypto from "node:crypto";
import { expect, test } from "@playwright/test";
import { count, sql } from "../helpers/db";
import { requireEnv } from "../helpers/env";
import { orderThroughForm, randomHostname, signUp } from "../helpers/portal";
import { adminPage, fill, tag } from "./helpers";

test("a host overlapping the local host's pool is refused; a never-enrolled host is removed after its name is typed", async ({
  browser,
}) => {
  const admin = await adminPage(browser);
  const [local] = await sql<{ cidr: string }>(
    `SELECT r."cidr" FROM "IpRange" r JOIN "IpPool" p ON p."id" = r."poolId" WHERE p."hostId" = $1 AND p."kind" = 'PUBLIC' AND r."retiredAt" IS NULL`,
    [requireEnv("E2E_LOCAL_HOST_ID")],
  );
  const name = `mistake-${tag()}`;
  const addHost = async (publicPool: string) => {
    await admin.goto("/admin/hosts/new");
    await fill(admin, {
      Name: name,
      FQDN: `${name}.example.test`,
      "Private netblock": `172.${crypto.randomInt(16, 32)}.${crypto.randomInt(0, 256)}.0/24`,
      "Public address pool": publicPool,
    });
    await admin.getByRole("button", { name: "Add host" }).click();
  };
  await addHost(local!.cidr);
  await expect(admin.getByText(`${local!.cidr} overlaps ${local!.cidr} of pool "local public" (host local).`)).toBeVisible();
  expect(await count("Host", `"name" = $1`, [name])).toBe(0);

  await addHost(`192.0.2.${crypto.randomInt(0, 32) * 8}/29`);
  await expect(admin.getByText(`Host ${name} was added and waits for its agent.`)).toBeVisible();
  await admin.getByRole("link", { name: "Go to the host →" }).click();
  await expect(admin.getByTestId("host-pools")).toContainText("0 of 6 used");
  await admin.getByRole("link", { name: "Edit" }).click();
  await admin.getByRole("button", { name: "Remove host" }).click();
  await expect(admin.getByText("never held a jail: it is deleted with its pools")).toBeVisible();
  await admin.screenshot({ path: "test-results/admin-host-remove.png", fullPage: true });
  await admin.getByLabel(`Type ${name} to confirm`).fill("not the name");
  await admin.getByRole("button", { name: "Remove", exact: true }).click();
  await expect(admin.getByText(`Type ${name} to confirm.`)).toBeVisible();
  expect(await count("Host", `"name" = $1`, [name])).toBe(1);
  await admin.getByLabel(`Type ${name} to confirm`).fill(name);
  await admin.getByRole("button", { name: "Remove", exact: true }).click();
  await expect(admin).toHaveURL(/\/admin\/hosts\?removed=deleted$/);
  await expect(admin.getByText("The host was deleted.")).toBeVisible();
  await expect(admin.getByTestId(`host-row-${name}`)).toHaveCount(0);
  expect(await count("Host", `"name" = $1`, [name])).toBe(0);
  expect(await count("IpPool", `"name" LIKE $1`, [`${name} %`])).toBe(0);
  expect(await count("AuditLog", `"action" = 'host.remove' AND "data"->>'name' = $1`, [name])).toBe(1);
});

test("every jail name on a host's page links to the jail; the fleet list filters by host", async ({ browser, page }) => {
  const localId = requireEnv("E2E_LOCAL_HOST_ID");
  await signUp(page);
  const hostname = randomHostname("linked");
  const jailId = await orderThroughForm(page, hostname);
  const admin = await adminPage(browser);
  await admin.goto(`/admin/hosts/${localId}`);
  const rows = admin.getByTestId("host-jail");
  for (const link of await rows.getByRole("link").all())
    expect(await link.getAttribute("href")).toMatch(/^\/admin\/(jails|customers)\/[a-z0-9]+$/);
  await rows.getByRole("link", { name: hostname, exact: true }).click();
  await expect(admin).toHaveURL(new RegExp(`/admin/jails/${jailId}$`));
  await expect(admin.getByTestId("admin-jail-hostname")).toHaveText(hostname);
  await admin.goto(`/admin/jails?hostId=${localId}`);
  await expect(admin.getByLabel("Host")).toHaveValue(localId);
  await expect(admin.getByTestId("fleet-jail").filter({ hasText: hostname })).toHaveCount(1);
  await admin.screenshot({ path: "test-results/admin-jails.png", fullPage: true });
});
