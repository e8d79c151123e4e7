// Backups against the real database and a real backup server: `rclone serve restic
// --append-only --private-repos` started here on loopback, with the users the control plane
// generates, and real restic playing the hosts (the agent's own Restic class).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { freePort } from "@/scripts/lib/embedded-postgres";
import { startBackupServer } from "@/scripts/lib/backup-server";
import { stopService } from "@/scripts/lib/run";
import { systemRunner } from "@/host-agent/exec";
import { Restic, resticEnv, type BackupTarget } from "@/host-agent/drivers/restic";
import { db } from "@/lib/db";
import { customerActor } from "@/lib/domain/actor";
import { createCustomer, createHost, createJailRow, getOrCreatePlan, uid } from "@/lib/test/factories";
import { completeJob } from "@/lib/domain/jobs/complete-job";
import { leaseJobs } from "@/lib/domain/jobs/lease-jobs";
import { jobPayloads } from "@/lib/schemas/jobs";
import { requestBackup } from "./request-backup";
import { restoreBackup } from "./restore-backup";
import { listJailBackups } from "./list-jail-backups";
import { backupOffsetMs, lastBackupSlot } from "./backup-schedule";
import { scheduleBackups } from "./schedule-backups";
import { applyBackupRetention } from "./apply-backup-retention";

const HOUR = 3_600_000;
let server: ChildProcess | undefined;
let tmp: string;
let serverUrl: string;
const toolsHere = spawnSync("rclone", ["version"]).status === 0 && spawnSync("restic", ["version"]).status === 0;

beforeAll(async () => {
  if (!toolsHere) throw new Error("these tests need restic and rclone (apt-get install restic rclone)");
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cb-backups-"));
  const started = await startBackupServer({ dataDir: tmp, port: await freePort(), silent: true });
  server = started.child;
  serverUrl = started.env.BACKUP_URL;
  // Read once, by the first backup call below (lib/config is parsed on first use).
  Object.assign(process.env, started.env);
});

afterAll(async () => {
  await stopService(server);
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

async function customerWithJail(planSlug?: string) {
  const { user, account } = await createCustomer();
  const host = await createHost();
  const plan = planSlug ? await getOrCreatePlan(planSlug) : undefined;
  const jail = await createJailRow({ accountId: account.id, hostId: host.id, planId: plan?.id });
  return { host, jail, actor: customerActor({ id: user.id, accountId: account.id }) };
}

/** Leases the host's next job as its agent would and returns it with its parsed payload. */
async function leaseOne(hostId: string) {
  const [job] = await leaseJobs({ hostId, leasedBy: "test-agent", max: 1 });
  if (!job) throw new Error("no job to lease");
  return job;
}

function targetOf(payload: unknown): BackupTarget {
  const p = jobPayloads.BACKUP.omit({ backupId: true }).parse(payload);
  if (p.secrets === "[removed]") throw new Error("secrets already removed");
  return { repository: p.repository, username: p.username, ...p.secrets };
}

/** A directory standing in for a jail's root, with one file. */
function rootWith(file: string, text: string) {
  const dir = fs.mkdtempSync(path.join(tmp, "root-"));
  fs.writeFileSync(path.join(dir, file), text);
  return dir;
}

/** Plays the host: backs `dir` up with the job's target, reports success through completeJob. */
async function hostRunsBackup(hostId: string, dir: string) {
  const job = await leaseOne(hostId);
  expect(job.type).toBe("BACKUP");
  const payload = jobPayloads.BACKUP.parse(job.payload);
  const target = targetOf(job.payload);
  const result = await new Restic(systemRunner.run, target).backup({
    dir,
    hostLabel: payload.name,
    tag: `cellblock-backup:${payload.backupId}`,
  });
  await completeJob({ hostId, jobId: job.id, report: { status: "SUCCEEDED", result: { backup: result } } });
  return { job, target, result };
}

describe("backups: requests, scoping and secrets", () => {
  it("a customer backs up, the host writes the jail's own repository, the row records the snapshot, the secrets leave the job row", async () => {
    const log = vi.spyOn(console, "log");
    const err = vi.spyOn(console, "error");
    const { host, jail, actor } = await customerWithJail();
    const { backupId } = await requestBackup({ actor, jailId: jail.id });
    expect((await listJailBackups({ actor, jailId: jail.id })).map((b) => [b.id, b.status])).toEqual([[backupId, "PENDING"]]);

    const { job, target, result } = await hostRunsBackup(host.id, rootWith("hello.txt", "hi"));
    // The jail's own user on the backup server: the repository follows the jail to any host.
    expect(target.repository).toBe(`${serverUrl}j${jail.id}/${jail.id}/`);
    expect(target.username).toBe(`j${jail.id}`);
    const row = await db.backup.findUniqueOrThrow({ where: { id: backupId } });
    expect(row).toMatchObject({ status: "SUCCEEDED", snapshotId: result.snapshotId, jobId: job.id });
    expect(Number(row.sizeBytes)).toBe(2);

    // The ended job keeps no secret anywhere in its row; the sealed copies are not the secrets.
    const ended = await db.job.findUniqueOrThrow({ where: { id: job.id } });
    const text = JSON.stringify(ended);
    expect(text).not.toContain(target.httpPassword);
    expect(text).not.toContain(target.repositoryPassword);
    expect((ended.payload as { secrets: unknown }).secrets).toBe("[removed]");
    const sealed = await db.jail.findUniqueOrThrow({ where: { id: jail.id }, select: { backupPasswordSealed: true } });
    expect(sealed.backupPasswordSealed).toBeTruthy();
    expect(sealed.backupPasswordSealed).not.toContain(target.httpPassword);
    // The default client never reads the sealed columns.
    expect(JSON.stringify(await db.jail.findUniqueOrThrow({ where: { id: jail.id } }))).not.toContain("PasswordSealed");
    // Nothing the control plane printed on the way carried a secret.
    const printed = [...log.mock.calls, ...err.mock.calls].flat().map(String).join("\n");
    expect(printed).not.toContain(target.httpPassword);
    expect(printed).not.toContain(target.repositoryPassword);
    log.mockRestore();
    err.mockRestore();
  });

  it("another customer cannot see, back up or restore the jail: not found, nothing written", async () => {
    const { host, jail, actor } = await customerWithJail();
    const { backupId } = await requestBackup({ actor, jailId: jail.id });
    await hostRunsBackup(host.id, rootWith("a.txt", "a"));
    const other = await customerWithJail();
    await expect(listJailBackups({ actor: other.actor, jailId: jail.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(requestBackup({ actor: other.actor, jailId: jail.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(restoreBackup({ actor: other.actor, jailId: jail.id, backupId, confirmHostname: jail.hostname })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    // Their own jail with this jail's backup id: still not found.
    await expect(
      restoreBackup({ actor: other.actor, jailId: other.jail.id, backupId, confirmHostname: other.jail.hostname }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await db.job.count({ where: { jailId: { in: [jail.id, other.jail.id] }, status: "QUEUED" } })).toBe(0);
    expect(await db.backup.count({ where: { jailId: jail.id } })).toBe(1);
  });

  it("a restore needs the hostname typed, queues RESTORE with the snapshot, and its secrets go when it ends", async () => {
    const { host, jail, actor } = await customerWithJail();
    const { backupId } = await requestBackup({ actor, jailId: jail.id });
    const { result } = await hostRunsBackup(host.id, rootWith("b.txt", "b"));
    await expect(restoreBackup({ actor, jailId: jail.id, backupId, confirmHostname: "wrong.example" })).rejects.toMatchObject({
      code: "VALIDATION",
    });
    expect(await db.job.count({ where: { jailId: jail.id, type: "RESTORE" } })).toBe(0);
    await restoreBackup({ actor, jailId: jail.id, backupId, confirmHostname: jail.hostname.toUpperCase() });
    // One task at a time: a second restore or a backup waits.
    await expect(requestBackup({ actor, jailId: jail.id })).rejects.toMatchObject({ code: "PRECONDITION" });
    const job = await leaseOne(host.id);
    expect(job.type).toBe("RESTORE");
    const payload = jobPayloads.RESTORE.parse(job.payload);
    expect(payload).toMatchObject({ snapshotId: result.snapshotId, start: true, name: jail.name });
    await completeJob({ hostId: host.id, jobId: job.id, report: { status: "FAILED", error: "restic exited with 1", retryable: false } });
    const ended = await db.job.findUniqueOrThrow({ where: { id: job.id } });
    expect((ended.payload as { secrets: unknown }).secrets).toBe("[removed]");
  });

  it("a failed backup is recorded as failed, in words, and keeps no secret", async () => {
    const { host, jail, actor } = await customerWithJail();
    const { backupId } = await requestBackup({ actor, jailId: jail.id });
    const job = await leaseOne(host.id);
    await completeJob({ hostId: host.id, jobId: job.id, report: { status: "FAILED", error: "no space", retryable: false } });
    const [view] = await listJailBackups({ actor, jailId: jail.id });
    expect(view).toMatchObject({ id: backupId, status: "FAILED" });
    expect(view!.failure).toMatch(/backing up/);
    expect(JSON.stringify(await db.job.findUniqueOrThrow({ where: { id: job.id } }))).not.toMatch(/"httpPassword"/);
  });
});

describe("the backup server keeps hosts apart and append-only", () => {
  it("a host cannot delete its snapshots nor list another host's (another jail's) repository", async () => {
    const a = await customerWithJail();
    const b = await customerWithJail();
    await requestBackup({ actor: a.actor, jailId: a.jail.id });
    const { target: targetA, result } = await hostRunsBackup(a.host.id, rootWith("x.txt", "x"));
    await requestBackup({ actor: b.actor, jailId: b.jail.id });
    const { target: targetB } = await hostRunsBackup(b.host.id, rootWith("y.txt", "y"));

    // Append-only: restic forget with host A's own credentials is refused, the snapshot stays.
    // (restic retries a refused delete with backoff: give it 20 s, then it has failed either way.)
    const forget = spawnSync("restic", ["forget", "--no-cache", result.snapshotId], {
      env: resticEnv(targetA),
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(forget.status).not.toBe(0);
    // --no-lock: the refused forget left its exclusive lock behind (an append-only server lets
    // nobody but the control plane remove it; retention runs `restic unlock` first).
    const listed = spawnSync("restic", ["snapshots", "--json", "--no-lock", "--no-cache"], { env: resticEnv(targetA), encoding: "utf8" });
    expect(JSON.parse(listed.stdout).map((s: { id: string }) => s.id)).toContain(result.snapshotId);
    // And on the wire: DELETE of the snapshot's file is 403.
    const auth = `Basic ${Buffer.from(`${targetA.username}:${targetA.httpPassword}`).toString("base64")}`;
    const del = await fetch(`${targetA.repository.replace(/^rest:/, "")}snapshots/${result.snapshotId}`, {
      method: "DELETE",
      headers: { authorization: auth },
    });
    expect(del.status).toBe(403);

    // Private repositories: the credentials host B holds (its jail's) on host A's jail's repository are refused.
    const cross = spawnSync("restic", ["snapshots", "--no-cache"], {
      env: resticEnv({ ...targetB, repository: targetA.repository }),
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(cross.status).not.toBe(0);
    const authB = `Basic ${Buffer.from(`${targetB.username}:${targetB.httpPassword}`).toString("base64")}`;
    const list = await fetch(`${targetA.repository.replace(/^rest:/, "")}snapshots/`, { headers: { authorization: authB } });
    expect(list.status).toBe(403);
    // A wrong password is refused outright.
    const wrong = await fetch(`${targetA.repository.replace(/^rest:/, "")}snapshots/`, {
      headers: { authorization: `Basic ${Buffer.from(`${targetA.username}:nope`).toString("base64")}` },
    });
    expect(wrong.status).toBe(401);
  }, 120_000);

  it("retention runs from the control plane with full access: the plan's keep count, the rest marked forgotten", async () => {
    const slug = `keep-one-${uid()}`;
    const plan = await getOrCreatePlan(slug);
    await db.plan.update({ where: { id: plan.id }, data: { backupKeep: 1 } });
    const { host, jail, actor } = await customerWithJail(slug);
    const first = await requestBackup({ actor, jailId: jail.id });
    await hostRunsBackup(host.id, rootWith("1.txt", "1"));
    const second = await requestBackup({ actor, jailId: jail.id });
    await hostRunsBackup(host.id, rootWith("2.txt", "2"));
    const problems: string[] = [];
    expect(await applyBackupRetention({ now: new Date(), jailIds: [jail.id], log: (m) => problems.push(m) })).toBe(1);
    expect(problems).toEqual([]);
    const rows = await db.backup.findMany({ where: { jailId: jail.id }, select: { id: true, forgottenAt: true } });
    expect(rows.find((r) => r.id === first.backupId)!.forgottenAt).not.toBeNull();
    expect(rows.find((r) => r.id === second.backupId)!.forgottenAt).toBeNull();
    expect((await listJailBackups({ actor, jailId: jail.id })).map((b) => b.id)).toEqual([second.backupId]);
  }, 120_000);
});

describe("the nightly schedule", () => {
  const windowStartHour = 1;
  const windowHours = 4;

  it("spreads jails over the night window, deterministically", () => {
    const buckets = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) {
      const id = `jail${i}`;
      const offset = backupOffsetMs(id, windowHours);
      expect(offset).toBe(backupOffsetMs(id, windowHours));
      expect(offset).toBeGreaterThanOrEqual(0);
      expect(offset).toBeLessThan(windowHours * HOUR);
      buckets[Math.floor(offset / HOUR)]!++;
    }
    // Each hour of the window gets about a quarter (1000 ± 15 %).
    for (const n of buckets) expect(Math.abs(n - 1000)).toBeLessThan(150);
  });

  it("a daily slot falls inside the window every night, at or before now", () => {
    const now = new Date("2026-11-30T12:00:00Z");
    for (let i = 0; i < 200; i++) {
      const slot = lastBackupSlot({ jailId: `j${i}`, everyHours: 24, now, windowStartHour, windowHours })!;
      expect(slot.getTime()).toBeLessThanOrEqual(now.getTime());
      expect(now.getTime() - slot.getTime()).toBeLessThan(24 * HOUR);
      const hour = slot.getUTCHours();
      expect(hour).toBeGreaterThanOrEqual(windowStartHour);
      expect(hour).toBeLessThan(windowStartHour + windowHours);
    }
    expect(lastBackupSlot({ jailId: "j", everyHours: 0, now, windowStartHour, windowHours })).toBeNull();
  });

  it("the worker queues one scheduled backup per slot, not while one is open, and again the next night", async () => {
    const { host, jail } = await customerWithJail();
    const slot = lastBackupSlot({ jailId: jail.id, everyHours: 24, now: new Date(), windowStartHour, windowHours })!;
    const justAfter = new Date(slot.getTime() + 60_000);
    // The jail was made after this slot: nothing yet (its first is the next night's).
    expect(await scheduleBackups({ now: justAfter, hostIds: [host.id] })).toBe(0);
    const nextNight = new Date(justAfter.getTime() + 24 * HOUR);
    expect(await scheduleBackups({ now: nextNight, hostIds: [host.id] })).toBe(1);
    expect(await scheduleBackups({ now: nextNight, hostIds: [host.id] })).toBe(0);
    const backups = await db.backup.findMany({ where: { jailId: jail.id } });
    expect(backups.map((b) => b.trigger)).toEqual(["SCHEDULED"]);
    const job = await db.job.findUniqueOrThrow({ where: { id: backups[0]!.jobId } });
    expect(job.idempotencyKey).toBe(`backup:${jail.id}:${new Date(slot.getTime() + 24 * HOUR).toISOString()}`);
  });
});
