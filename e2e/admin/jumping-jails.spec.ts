// Jumping jails on real containers: two STANDBY hosts with their own agents, LXC paths, bridges
// and loopback pools beside the host "local" `npm test` starts. A customer's Debian jail is moved
// by the admin from local to the first (a live copy, a stop, the final copy, a restore there):
// the customer's file is there, ssh works on the address the page shows, the admin sees the
// downtime. Then the first host dies (its agent killed, its containers stopped); the admin
// declares it dead, reads the plan and evacuates: the jail runs on the second host from its
// latest backup, the dead host's addresses are free, the customer has mail; a file deleted there
// comes back from the backup host A wrote. The dead host's agent, restarted, starts nothing; the
// wipe the admin confirms then removes its copy.
import { expect, test, type Page } from "@playwright/test";
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import { count, sql } from "../helpers/db";
import { requireEnv } from "../helpers/env";
import { exec, expectGoneFromHost } from "../helpers/jobs";
import { kill, standbyHost, startAgent, until } from "../helpers/agents";
import { randomHostname, signUp } from "../helpers/portal";
import { removeClient, sshClient, sshWithKey, type SshClient } from "../helpers/ssh-client";
import { REAL_OS_TEMPLATE, chooseTemplate } from "../helpers/templates";
import { adminPage } from "./helpers";

test.setTimeout(15 * 60_000);

let client: SshClient;
const agents: ChildProcess[] = [];
const made: Array<{ lxcPath: string; stateDir: string }> = [];
let jailName = "";
test.beforeAll(async () => {
  client = await sshClient();
});
test.afterAll(async () => {
  for (const a of agents) kill(a);
  for (const m of made) {
    // Stop the jail's container where one is still running (a failed run); every step must work.
    if (jailName && fs.existsSync(`${m.lxcPath}/${jailName}/config`) && (await lxcStateAt(m.lxcPath, jailName)) === "RUNNING") {
      await exec("lxc-stop", ["-P", m.lxcPath, "-n", jailName, "-k"]);
    }
    // Whatever is still mounted below the host's LXC path (a root, a restore's staging image), deepest first.
    const mounts = fs
      .readFileSync("/proc/self/mounts", "utf8")
      .split("\n")
      .map((l) => l.split(" ")[1] ?? "")
      .filter((p) => p.startsWith(`${m.lxcPath}/`))
      .sort()
      .reverse();
    for (const p of mounts) await exec("umount", [p]);
    await exec("rm", ["-rf", "--one-file-system", m.lxcPath]);
    fs.rmSync(m.stateDir, { recursive: true, force: true });
  }
  removeClient(client);
});

const lxcStateAt = async (lxcPath: string, name: string) =>
  /State:\s*(\S+)/.exec((await exec("lxc-info", ["-P", lxcPath, "-n", name, "-s"])).stdout)?.[1] ?? null;

async function settled(jailId: string) {
  await expect.poll(() => count("Job", `"jailId" = $1 AND "status" IN ('QUEUED', 'RUNNING')`, [jailId]), { timeout: 300_000 }).toBe(0);
  const failed = await sql<{ type: string; error: string }>(
    `SELECT "type", "error" FROM "Job" WHERE "jailId" = $1 AND "status" = 'FAILED'`,
    [jailId],
  );
  expect(failed, JSON.stringify(failed)).toEqual([]);
}

async function shownAddress(page: Page) {
  await page.reload();
  const text = (await page.getByTestId("ssh-command").textContent())!.trim();
  const m = /^ssh root@(\S+)$/.exec(text);
  expect(m, text).not.toBeNull();
  return m![1]!;
}

test("an admin moves a running jail to another host, then evacuates that host when it dies; its agent, back, starts nothing", async ({
  page,
  browser,
}) => {
  const url = requireEnv("E2E_BASE_URL");
  const a = await standbyHost(url, 1);
  const b = await standbyHost(url, 2);
  made.push(a, b);
  const agentA = startAgent(a.config);
  agents.push(agentA, startAgent(b.config));
  for (const h of [a, b]) {
    await until(
      `${h.host.name} to report it can move jails`,
      async () => {
        const [row] = await sql<{ facts: { capabilities?: { migration?: boolean } } | null }>(
          `SELECT "facts" FROM "Host" WHERE "id" = $1`,
          [h.host.id],
        );
        return row?.facts?.capabilities?.migration === true;
      },
      60_000,
    );
  }

  // A customer's Debian jail on "local", with their key and a file.
  await signUp(page, "/order?plan=cell");
  await page.goto("/order?plan=cell");
  await chooseTemplate(page, REAL_OS_TEMPLATE);
  const hostname = randomHostname("jump");
  await page.getByLabel("Fully-qualified hostname").fill(hostname);
  await page.getByRole("button", { name: "Order jail" }).click();
  await expect(page).toHaveURL(/\/jails\/[a-z0-9]+$/, { timeout: 30_000 });
  const id = page.url().split("/").pop()!;
  await expect(page.getByTestId("jail-state").first()).toHaveText("Running", { timeout: 10 * 60_000 });
  await settled(id);
  const [jail] = await sql<{ name: string; hostId: string }>(`SELECT "name", "hostId" FROM "Jail" WHERE "id" = $1`, [id]);
  jailName = jail!.name;
  expect(jail!.hostId).toBe(requireEnv("E2E_LOCAL_HOST_ID"));
  await page.getByLabel("Public key").fill(client.publicKey);
  await page.getByRole("button", { name: "Add key" }).click();
  await settled(id);
  const before = await shownAddress(page);
  expect((await sshWithKey(client, before, "echo moved-with-me > /root/mine.txt && sync && hostname")).stdout.trim()).toBe(hostname);

  // The admin moves it to host A from the jail's page.
  const admin = await adminPage(browser);
  await admin.goto(`/admin/jails/${id}`);
  await admin.getByRole("button", { name: "Move to another host…" }).click();
  const move = admin.getByRole("form", { name: "Move to another host…" });
  await move.getByLabel("To host").selectOption(a.host.id);
  await move.getByLabel(`Type ${hostname} to confirm`).fill(hostname);
  await move.getByRole("button", { name: "Move", exact: true }).click();
  await expect(admin.getByText("Moving: a live copy first")).toBeVisible();
  await until(
    "the move to finish",
    async () => {
      const [m] = await sql<{ status: string; error: string | null }>(`SELECT "status", "error" FROM "Migration" WHERE "jailId" = $1`, [
        id,
      ]);
      if (m?.status === "FAILED") throw new Error(`the move failed: ${m.error}`);
      return m?.status === "DONE";
    },
    300_000,
  );
  await admin.reload();
  await expect(admin.getByTestId("migration-downtime").first()).toHaveText(/^\d+\.\d s$/);
  const [moved] = await sql<{ hostId: string; state: string }>(`SELECT "hostId", "state" FROM "Jail" WHERE "id" = $1`, [id]);
  expect(moved).toEqual({ hostId: a.host.id, state: "RUNNING" });
  expect(await lxcStateAt(a.lxcPath, jailName)).toBe("RUNNING");
  // Its public address changed (host A does not serve local's pool); the customer was told first.
  const onA = await shownAddress(page);
  expect(onA).not.toBe(before);
  expect(onA.startsWith("127.77.")).toBe(true);
  expect(await count("MailMessage", `"kind" = 'jail-move-address' AND "subject" LIKE $1`, [`${hostname}%`])).toBe(1);
  // The customer's file, key and host keys came along: ssh on the address the page shows.
  expect((await sshWithKey(client, onA, "cat /root/mine.txt")).stdout.trim()).toBe("moved-with-me");
  // The stopped copy on local is destroyed there.
  await until(
    "local's copy to be destroyed",
    async () =>
      (await count(
        "Job",
        `"hostId" = $1 AND "type" = 'DESTROY' AND "jailId" IS NULL AND "status" = 'SUCCEEDED' AND "payload"->>'name' = $2`,
        [requireEnv("E2E_LOCAL_HOST_ID"), jailName],
      )) === 1,
    120_000,
  );
  await expectGoneFromHost(jailName);

  // A new file, and a backup of it on host A.
  await sshWithKey(client, onA, "echo after-the-move > /root/later.txt && sync");
  await page.reload();
  await page.getByRole("button", { name: "Back up now" }).click();
  await expect(page.getByText("Backing up: the host copies the jail's disk")).toBeVisible();
  await settled(id);
  expect(
    await count("Backup", `"jailId" = $1 AND "trigger" = 'MANUAL' AND "status" = 'SUCCEEDED' AND "hostId" = $2`, [id, a.host.id]),
  ).toBe(1);

  // Host A dies: its agent and its containers stop.
  kill(agentA);
  await exec("lxc-stop", ["-P", a.lxcPath, "-n", jailName, "-k"]);
  const aAddresses = await sql<{ address: string }>(`SELECT "address" FROM "IpAddress" WHERE "jailId" = $1`, [id]);

  // The admin declares it dead (typing its name), reads the plan and evacuates.
  await admin.goto(`/admin/hosts/${a.host.id}`);
  await admin.getByRole("link", { name: "Drain or declare dead…" }).click();
  await admin.getByRole("button", { name: "Declare dead…" }).click();
  const declare = admin.getByRole("form", { name: "Declare dead…" });
  await declare.getByLabel(`Type ${a.host.name} to confirm`).fill(a.host.name);
  await declare.getByRole("button", { name: "Declare dead", exact: true }).click();
  // The page becomes the evacuation page: the plan.
  await expect(admin.getByRole("heading", { name: `${a.host.name}: evacuation` })).toBeVisible();
  // Sent to the spare B only (local takes orders and could take it too).
  await admin.reload();
  const sendTo = admin.getByRole("form", { name: "Send jails to" });
  for (const box of await sendTo.getByRole("checkbox").all()) await box.setChecked((await box.getAttribute("value")) === b.host.id);
  await sendTo.getByRole("button", { name: "Update the plan" }).click();
  await expect(admin).toHaveURL(new RegExp(`to=${b.host.id}`));
  const row = admin.getByTestId("evacuation-row").filter({ hasText: hostname });
  await expect(row).toContainText(b.host.name);
  await expect(row).toContainText("backup of");
  await admin.getByRole("button", { name: /^Evacuate 1 jail/ }).click();
  const evacuate = admin.getByRole("form", { name: /^Evacuate 1 jail/ });
  await evacuate.getByLabel(`Type ${a.host.name} to confirm`).fill(a.host.name);
  await evacuate.getByRole("button", { name: "Evacuate", exact: true }).click();
  // The plan empties; the jail is listed as an evacuation under way (or done).
  await expect(admin.getByText("Nothing left to evacuate")).toBeVisible();
  await expect(admin.getByTestId("migration-row").filter({ hasText: hostname }).filter({ hasText: "evacuation" })).toHaveCount(1);
  await settled(id);
  const [evacuated] = await sql<{ hostId: string; state: string }>(`SELECT "hostId", "state" FROM "Jail" WHERE "id" = $1`, [id]);
  expect(evacuated).toEqual({ hostId: b.host.id, state: "RUNNING" });
  expect(await lxcStateAt(b.lxcPath, jailName)).toBe("RUNNING");
  const onB = await shownAddress(page);
  expect((await sshWithKey(client, onB, "cat /root/mine.txt /root/later.txt")).stdout.trim()).toBe("moved-with-me\nafter-the-move");
  // A's addresses are free, the customer has mail.
  for (const { address } of aAddresses) expect(await count("IpAddress", `"address" = $1 AND "jailId" IS NOT NULL`, [address])).toBe(0);
  expect(await count("MailMessage", `"kind" IN ('jail-evacuating', 'jail-evacuated') AND "subject" LIKE $1`, [`${hostname}%`])).toBe(2);

  // In place on B, from the backup host A wrote: the file deleted, that backup restored, the file back.
  await sshWithKey(client, onB, "rm /root/later.txt && sync");
  await page.reload();
  const restore = page.getByRole("form", { name: "Restore this backup" });
  await restore.getByLabel(/Type .* to confirm/).fill(hostname);
  await restore.getByRole("button", { name: "Restore this backup" }).click();
  await expect(page.getByText("Restoring: the jail stops")).toBeVisible();
  await settled(id);
  await expect(page.getByTestId("jail-state").first()).toHaveText("Running", { timeout: 120_000 });
  expect((await sshWithKey(client, onB, "cat /root/later.txt")).stdout.trim()).toBe("after-the-move");

  // Host A's agent comes back: fenced, it starts none of its jails.
  const [beat] = await sql<{ at: Date | null }>(`SELECT "lastHeartbeatAt" AS "at" FROM "Host" WHERE "id" = $1`, [a.host.id]);
  agents.push(startAgent(a.config));
  await until(
    "host A's agent to heartbeat twice",
    async () => {
      const [now] = await sql<{ at: Date | null }>(`SELECT "lastHeartbeatAt" AS "at" FROM "Host" WHERE "id" = $1`, [a.host.id]);
      return now?.at && (!beat?.at || now.at.getTime() > beat.at.getTime() + 1500);
    },
    60_000,
  );
  expect(await lxcStateAt(a.lxcPath, jailName)).toBe("STOPPED");
  // The admin confirms the wipe: only now is A's copy destroyed.
  await admin.reload();
  await admin.getByRole("button", { name: "Destroy the copies on this host…" }).click();
  const wipe = admin.getByRole("form", { name: "Destroy the copies on this host…" });
  await wipe.getByLabel(`Type ${a.host.name} to confirm`).fill(a.host.name);
  await wipe.getByRole("button", { name: "Destroy the copies", exact: true }).click();
  await until(
    "A's copy to be destroyed",
    async () => (await count("Job", `"hostId" = $1 AND "type" = 'DESTROY' AND "status" = 'SUCCEEDED'`, [a.host.id])) === 1,
    120_000,
  );
  await expectGoneFromHost(jailName, a.lxcPath);
  expect(await lxcStateAt(b.lxcPath, jailName)).toBe("RUNNING");
});
