// Issue 12, IP pools: an overlapping pool (IPv4 and IPv6) is refused with the clash named; a
// pool shared by a host group; ranges added and retired; an address held back.
import crypto from "node:crypto";
import { expect, test } from "@playwright/test";
import { count, sql } from "../helpers/db";
import { requireEnv } from "../helpers/env";
import { adminPage, fill, tag } from "./helpers";

test("an overlapping IPv4 or IPv6 pool is refused with the clash named; ranges are added, retired and held back", async ({ browser }) => {
  const admin = await adminPage(browser);
  const localId = requireEnv("E2E_LOCAL_HOST_ID");
  const [local] = await sql<{ cidr: string; pool: string }>(
    `SELECT r."cidr", p."name" AS "pool" FROM "IpRange" r JOIN "IpPool" p ON p."id" = r."poolId" WHERE p."hostId" = $1 AND p."kind" = 'PUBLIC' AND r."retiredAt" IS NULL`,
    [localId],
  );
  const group = `e2e-${tag()}`;
  await admin.goto("/admin/ip-pools");
  await admin.getByLabel("Group name").fill(group);
  await admin.getByRole("button", { name: "Add group" }).click();
  await expect(admin.getByText(`Group ${group} created.`)).toBeVisible();

  const newPool = async (name: string, kind: "Public IPv4" | "IPv6", usedBy: string, cidr: string) => {
    await admin.goto("/admin/ip-pools");
    // The list's filter bar has a "Kind" too: fill in the new-pool form itself.
    const form = admin.getByRole("form", { name: "New pool" });
    await fill(form, { Name: name, "First range": cidr });
    await form.getByLabel("Kind", { exact: true }).selectOption({ label: kind });
    await form.getByLabel("Used by").selectOption({ label: usedBy });
    await form.getByRole("button", { name: "Add pool" }).click();
  };

  // IPv4: a /29 inside the local host's public /28.
  const inside = local!.cidr.replace(/\/28$/, "/29");
  await newPool(`clash-${tag()}`, "Public IPv4", "host local", inside);
  await expect(
    admin.getByText(`${inside} overlaps ${local!.cidr} of pool "${local!.pool}" (host local). Choose a block that does not overlap.`),
  ).toBeVisible();
  await expect(admin.getByLabel("First range")).toHaveValue(inside);

  // IPv6: a routed /64 shared by the group, then a /48 around it.
  const hex = () => crypto.randomInt(0x1000, 0xffff).toString(16);
  const [a, b] = [hex(), hex()];
  const v6Name = `routed-${tag()}`;
  await newPool(v6Name, "IPv6", `group ${group} (0 hosts, shared)`, `2001:db8:${a}:${b}::/64`);
  await expect(admin).toHaveURL(/\/admin\/ip-pools\/[a-z0-9]+\?created=1$/);
  const poolUrl = admin.url().replace(/\?created=1$/, "");
  await newPool(`clash-${tag()}`, "IPv6", "host local", `2001:db8:${a}::/48`);
  await expect(
    admin.getByText(
      `2001:db8:${a}::/48 overlaps 2001:db8:${a}:${b}::/64 of pool "${v6Name}" (host group ${group}). Choose a block that does not overlap.`,
    ),
  ).toBeVisible();
  expect(await count("IpPool", `"name" LIKE 'clash-%'`)).toBe(0);
  await admin.screenshot({ path: "test-results/admin-ip-pools-clash.png", fullPage: true });

  // The shared pool: add a range, hold an address back, retire the first range.
  await admin.goto(poolUrl);
  await admin.getByLabel("Add a range").fill(`2001:db8:${a}:${(parseInt(b, 16) + 1).toString(16)}::/64`);
  await admin.getByRole("button", { name: "Add range" }).click();
  await expect(admin.getByText(`2001:db8:${a}:${(parseInt(b, 16) + 1).toString(16)}::/64 added.`)).toBeVisible();
  await fill(admin, { Address: `2001:db8:${a}:${b}::2`, Reason: "listed upstream" });
  await admin.getByRole("button", { name: "Hold back" }).click();
  await expect(admin.getByText(`2001:db8:${a}:${b}::2 is held back: it will not be handed out.`)).toBeVisible();
  await admin.reload();
  await expect(admin.getByTestId(`address-2001:db8:${a}:${b}::2`)).toContainText("listed upstream");
  await admin.getByRole("button", { name: "Retire" }).first().click();
  await admin.getByRole("button", { name: `Retire 2001:db8:${a}:${b}::/64` }).click();
  await expect(admin.getByText("Range retired. 0 address(es) stay with their jails")).toBeVisible();
  await admin.reload();
  await expect(admin.getByTestId(`range-2001:db8:${a}:${b}::/64`)).toContainText("retired");
  await admin.screenshot({ path: "test-results/admin-ip-pool.png", fullPage: true });
  expect(
    await count(
      "AuditLog",
      `"action" IN ('ip-pool.create', 'ip-range.add', 'ip-address.hold', 'ip-range.retire') AND "data"::text LIKE $1`,
      [`%2001:db8:${a}%`],
    ),
  ).toBeGreaterThanOrEqual(3);
});
