// Moves and evacuations against the real database and a real backup server (`rclone serve
// restic --append-only --private-repos` on loopback), with real restic playing the hosts through
// leaseJobs and completeJob — the path the agent takes. The target host restores from the
// repository the source wrote: the jail's own backup user makes that possible.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "@/scripts/lib/embedded-postgres";
import { startBackupServer } from "@/scripts/lib/backup-server";
import { stopService } from "@/scripts/lib/run";
import { systemRunner } from "@/host-agent/exec";
import { Restic, type BackupTarget } from "@/host-agent/drivers/restic";
import { db } from "@/lib/db";
import { customerActor, staffActor } from "@/lib/domain/actor";
import { cancelJail } from "@/lib/domain/jails/cancel-jail";
import { requestBackup } from "@/lib/domain/backups/request-backup";
import { completeJob } from "@/lib/domain/jobs/complete-job";
import { leaseJobs } from "@/lib/domain/jobs/lease-jobs";
import { createCustomer, createHost, createJailRow, createStaff } from "@/lib/test/factories";
import { jobPayloads } from "@/lib/schemas/jobs";
import { moveJail } from "./move-jail";
import { declareHostDead, evacuateHost, planEvacuation, wipeEvacuatedCopies } from "./evacuate-host";
import { drainHost, planDrain } from "./drain-host";

let server: ChildProcess | undefined;
let tmp: string;
const toolsHere = spawnSync("rclone", ["version"]).status === 0 && spawnSync("restic", ["version"]).status === 0;
const MIGRATABLE = { capabilities: capabilities() };

function capabilities() {
  return {
    snapshots: false,
    diskQuota: true,
    memoryLimit: true,
    processLimit: true,
    cpuLimit: true,
    network: true,
    publicIpv4: true,
    ipv6: true,
    hostnameLockdown: true,
    rootPassword: true,
    sshKeys: true,
    migration: true,
    limits: { maxJailNameLength: 42, maxHostnameLength: 64, maxJails: null, maxCpuPercent: 200 },
  };
}

beforeAll(async () => {
  if (!toolsHere) throw new Error("these tests need restic and rclone (apt-get install restic rclone)");
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cb-migrations-"));
  const started = await startBackupServer({ dataDir: tmp, port: await freePort(), silent: true });
  server = started.child;
  Object.assign(process.env, started.env);
});

afterAll(async () => {
  await stopService(server);
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

async function admin() {
  return staffActor(await createStaff("ADMIN"));
}

async function leaseOne(hostId: string, type: string) {
  const [job] = await leaseJobs({ hostId, leasedBy: "test-agent", max: 1 });
  if (!job) throw new Error(`no job to lease on ${hostId} (expected ${type})`);
  expect(job.type).toBe(type);
  return job;
}

function targetOf(p: { repository: string; username: string; secrets: unknown }): BackupTarget {
  if (p.secrets === "[removed]" || typeof p.secrets !== "object" || !p.secrets) throw new Error("secrets already removed");
  return { repository: p.repository, username: p.username, ...(p.secrets as { httpPassword: string; repositoryPassword: string }) };
}

function dirWith(files: Record<string, string>) {
  const dir = fs.mkdtempSync(path.join(tmp, "root-"));
  for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, f), text);
  return dir;
}

/** Plays a host backing `dir` up for a BACKUP or MIGRATE_OUT job and reports it. */
async function hostBacksUp(hostId: string, type: "BACKUP" | "MIGRATE_OUT", dir: string) {
  const job = await leaseOne(hostId, type);
  const p = jobPayloads[type].parse(job.payload);
  const result = await new Restic(systemRunner.run, targetOf(p)).backup({ dir, hostLabel: p.name, tag: `cellblock-backup:${p.backupId}` });
  await completeJob({
    hostId,
    jobId: job.id,
    report: { status: "SUCCEEDED", attempt: job.attempts, result: { backup: result, running: type === "BACKUP" } },
  });
  return { job, result };
}

/** Plays the target restoring a MIGRATE_IN into a fresh directory; returns the directory. */
async function hostRestores(hostId: string) {
  const job = await leaseOne(hostId, "MIGRATE_IN");
  const p = jobPayloads.MIGRATE_IN.parse(job.payload);
  const dir = fs.mkdtempSync(path.join(tmp, "restored-"));
  await new Restic(systemRunner.run, targetOf(p)).restore({ snapshotId: p.snapshotId, dir });
  await completeJob({
    hostId,
    jobId: job.id,
    report: { status: "SUCCEEDED", attempt: job.attempts, result: { running: true, initPid: 4242, restoredSnapshotId: p.snapshotId } },
  });
  return { job, payload: p, dir };
}

const addressesOf = (jailId: string) => db.ipAddress.findMany({ where: { jailId }, select: { kind: true, address: true, poolId: true } });

describe("moving a jail between hosts", () => {
  it("copies it live, stops it for a final copy, restores it on the target with the target's addresses, records the downtime and wipes the source", async () => {
    const source = await createHost({ facts: MIGRATABLE });
    const target = await createHost({ facts: MIGRATABLE });
    const { account, user } = await createCustomer();
    const jail = await createJailRow({ accountId: account.id, hostId: source.id, state: "RUNNING" });
    const before = await addressesOf(jail.id);
    const actor = await admin();

    const { migrationId } = await moveJail({ actor, jailId: jail.id, targetHostId: target.id, confirmHostname: jail.hostname });
    expect(await db.migration.findUniqueOrThrow({ where: { id: migrationId } })).toMatchObject({ kind: "MOVE", status: "COPYING" });

    // The live pre-copy, then the final copy with what changed since.
    await hostBacksUp(source.id, "BACKUP", dirWith({ "site.txt": "v1" }));
    expect(await leaseJobs({ hostId: target.id, leasedBy: "t", max: 5 })).toEqual([]); // nothing for the target yet
    const { job: out } = await hostBacksUp(source.id, "MIGRATE_OUT", dirWith({ "site.txt": "v2", "new.txt": "written last" }));

    const moving = await db.migration.findUniqueOrThrow({ where: { id: migrationId } });
    expect(moving).toMatchObject({ status: "RESTORING", stoppedAt: out.startedAt });
    const row = await db.jail.findUniqueOrThrow({ where: { id: jail.id } });
    expect(row).toMatchObject({ hostId: target.id, state: "PROVISIONING" });
    const after = await addressesOf(jail.id);
    expect(after.find((a) => a.kind === "PRIVATE")!.address.startsWith(target.privateNetblock.split(".").slice(0, 3).join("."))).toBe(true);
    // The source's pool does not serve the target: the public address changed, the customer was mailed first.
    expect(after.find((a) => a.kind === "PUBLIC")!.address).not.toBe(before.find((a) => a.kind === "PUBLIC")!.address);
    for (const old of before)
      expect(await db.ipAddress.findFirst({ where: { address: old.address, poolId: old.poolId } })).toMatchObject({ jailId: null });
    expect(await db.mailMessage.count({ where: { to: account.billingEmail, kind: "jail-move-address" } })).toBe(1);

    // The target reads the repository the source wrote and gets the final copy.
    const { payload, dir } = await hostRestores(target.id);
    expect(payload.jail.network.privateIp).toBe(after.find((a) => a.kind === "PRIVATE")!.address);
    expect(fs.readFileSync(path.join(dir, "new.txt"), "utf8")).toBe("written last");
    expect(fs.readFileSync(path.join(dir, "site.txt"), "utf8")).toBe("v2");

    const done = await db.migration.findUniqueOrThrow({ where: { id: migrationId } });
    expect(done.status).toBe("DONE");
    expect(done.downtimeMs).toBeGreaterThanOrEqual(0);
    expect(await db.jail.findUniqueOrThrow({ where: { id: jail.id } })).toMatchObject({
      state: "RUNNING",
      initPid: 4242,
      hostId: target.id,
    });
    // The stopped copy on the source is destroyed there, by name, tied to no jail.
    const wipe = await leaseOne(source.id, "DESTROY");
    expect(wipe).toMatchObject({ jailId: null, payload: { name: jail.name } });
    // Every job's secrets left its row when it ended.
    for (const j of await db.job.findMany({ where: { jailId: jail.id, type: { in: ["BACKUP", "MIGRATE_OUT", "MIGRATE_IN"] } } })) {
      expect((j.payload as { secrets: unknown }).secrets).toBe("[removed]");
    }
    expect(await db.auditLog.count({ where: { targetId: jail.id, action: { in: ["jail.move", "jail.moved"] } } })).toBe(2);
    void user;
  });

  it("a final copy that fails leaves the jail on its host and starts it again there", async () => {
    const source = await createHost({ facts: MIGRATABLE });
    const target = await createHost({ facts: MIGRATABLE });
    const { account } = await createCustomer();
    const jail = await createJailRow({ accountId: account.id, hostId: source.id, state: "STOPPED" });
    await db.jail.update({ where: { id: jail.id }, data: { desiredState: "RUNNING" } });
    const { migrationId } = await moveJail({
      actor: await admin(),
      jailId: jail.id,
      targetHostId: target.id,
      confirmHostname: jail.hostname,
    });
    const out = await leaseOne(source.id, "MIGRATE_OUT"); // stopped: no pre-copy
    await completeJob({
      hostId: source.id,
      jobId: out.id,
      report: { status: "FAILED", attempt: out.attempts, error: "restic: repository unreachable", retryable: false },
    });
    expect(await db.migration.findUniqueOrThrow({ where: { id: migrationId } })).toMatchObject({
      status: "FAILED",
      error: "restic: repository unreachable",
    });
    expect(await db.jail.findUniqueOrThrow({ where: { id: jail.id } })).toMatchObject({
      hostId: source.id,
      lastError: "The move failed: restic: repository unreachable",
    });
    const start = await leaseOne(source.id, "START");
    expect(start.jailId).toBe(jail.id);
    expect(await db.backup.findFirst({ where: { jobId: out.id } })).toMatchObject({ status: "FAILED" });
  });

  it("refuses, changing nothing: an unconfirmed hostname, the same host, a full or other-driver host, a busy jail, a second move", async () => {
    const source = await createHost({ facts: MIGRATABLE });
    const full = await createHost({ facts: MIGRATABLE, capacityJails: 0 });
    const freebsd = await createHost({ facts: MIGRATABLE, driver: "FREEBSD" });
    const target = await createHost({ facts: MIGRATABLE });
    const { account } = await createCustomer();
    const jail = await createJailRow({ accountId: account.id, hostId: source.id, state: "RUNNING" });
    const actor = await admin();
    const move = (targetHostId: string, confirmHostname = jail.hostname) =>
      moveJail({ actor, jailId: jail.id, targetHostId, confirmHostname });
    await expect(move(target.id, "wrong.example")).rejects.toMatchObject({ code: "VALIDATION" });
    for (const t of [source.id, full.id, freebsd.id, "nope"])
      await expect(move(t)).rejects.toMatchObject({ code: "VALIDATION", fieldErrors: { targetHostId: expect.any(Array) } });
    expect(await db.migration.count({ where: { jailId: jail.id } })).toBe(0);
    expect(await db.job.count({ where: { jailId: jail.id } })).toBe(0);
    await move(target.id);
    await expect(move(target.id)).rejects.toMatchObject({ code: "PRECONDITION" });
    expect(await db.migration.count({ where: { jailId: jail.id } })).toBe(1);
    await expect(
      moveJail({
        actor: customerActor({ id: "x", accountId: account.id }) as never,
        jailId: jail.id,
        targetHostId: target.id,
        confirmHostname: jail.hostname,
      }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

describe("draining a live host", () => {
  it("plans each jail's move, and on confirmation takes the host out of placement and queues the moves; a busy jail waits", async () => {
    const host = await createHost({ facts: MIGRATABLE });
    await db.host.update({ where: { id: host.id }, data: { enrolledAt: new Date() } });
    const spare = await createHost({ facts: MIGRATABLE, status: "STANDBY" });
    const { account } = await createCustomer();
    const running = await createJailRow({ accountId: account.id, hostId: host.id, state: "RUNNING" });
    const busy = await createJailRow({ accountId: account.id, hostId: host.id, state: "RUNNING" });
    await db.job.create({
      data: { hostId: host.id, jailId: busy.id, type: "RESTART", payload: { name: busy.name }, idempotencyKey: `busy-${busy.id}` },
    });
    const actor = await admin();
    const only = [spare.id];
    const plan = await planDrain({ actor, hostId: host.id, targetHostIds: only });
    expect(plan.rows.map((r) => [r.jail.id, r.target?.id ?? null, r.waits]).sort()).toEqual(
      [
        [running.id, spare.id, null],
        [busy.id, null, "it has work queued or running"],
      ].sort(),
    );
    await expect(drainHost({ actor, hostId: host.id, confirmName: "nope", targetHostIds: only })).rejects.toMatchObject({
      code: "VALIDATION",
    });
    expect((await db.host.findUniqueOrThrow({ where: { id: host.id } })).status).toBe("ACTIVE");
    expect(await drainHost({ actor, hostId: host.id, confirmName: host.name, targetHostIds: only })).toEqual({ moving: 1, left: 1 });
    expect((await db.host.findUniqueOrThrow({ where: { id: host.id } })).status).toBe("DRAINING");
    expect(await db.migration.findFirst({ where: { jailId: running.id } })).toMatchObject({
      kind: "MOVE",
      status: "COPYING",
      targetHostId: spare.id,
    });
    expect(await db.migration.count({ where: { jailId: busy.id } })).toBe(0);
    // The live pre-copy runs first, on the source.
    expect((await leaseJobs({ hostId: host.id, leasedBy: "t", max: 5 })).map((j) => [j.type, j.jailId]).sort()).toEqual(
      [
        ["BACKUP", running.id],
        ["RESTART", busy.id],
      ].sort(),
    );
  });
});

describe("a dead host", () => {
  it("declared dead: fenced, its open work cancelled, a jail being cancelled destroyed with its addresses freed; evacuated from the latest backups; wiped only when confirmed", async () => {
    const dead = await createHost({ facts: MIGRATABLE });
    const spare = await createHost({ facts: MIGRATABLE });
    const a = await createCustomer();
    const b = await createCustomer();
    const withBackup = await createJailRow({ accountId: a.account.id, hostId: dead.id, state: "RUNNING" });
    const without = await createJailRow({ accountId: b.account.id, hostId: dead.id, state: "STOPPED" });
    const leaving = await createJailRow({ accountId: b.account.id, hostId: dead.id, state: "RUNNING" });
    const actorA = customerActor({ id: a.user.id, accountId: a.account.id });
    const actorB = customerActor({ id: b.user.id, accountId: b.account.id });

    await requestBackup({ actor: actorA, jailId: withBackup.id });
    const { result: snap } = await hostBacksUp(dead.id, "BACKUP", dirWith({ "db.sql": "customer data" }));
    // The host dies with work in its queue: a customer's cancellation and another backup.
    await cancelJail({ actor: actorB, jailId: leaving.id, confirmHostname: leaving.hostname });
    await requestBackup({ actor: actorA, jailId: withBackup.id });
    const leavingAddresses = await addressesOf(leaving.id);
    expect(leavingAddresses.length).toBeGreaterThan(0);

    const actor = await admin();
    await expect(declareHostDead({ actor, hostId: dead.id, confirmName: "not-it" })).rejects.toMatchObject({ code: "VALIDATION" });
    expect((await db.host.findUniqueOrThrow({ where: { id: dead.id } })).status).toBe("ACTIVE");
    const declared = await declareHostDead({ actor, hostId: dead.id, confirmName: dead.name });
    expect(declared).toEqual({ cancelledJobs: 2, destroyedJails: 1 });
    expect(await db.job.count({ where: { hostId: dead.id, status: { in: ["QUEUED", "RUNNING"] } } })).toBe(0);
    expect(await db.jail.findUniqueOrThrow({ where: { id: leaving.id } })).toMatchObject({ state: "DESTROYED" });
    expect(await addressesOf(leaving.id)).toEqual([]);
    await expect(declareHostDead({ actor, hostId: dead.id, confirmName: dead.name })).rejects.toMatchObject({ code: "PRECONDITION" });

    // The plan: each jail, where it goes, what it is restored from.
    // Evacuated to the spare only: the test database holds other tests' hosts.
    const only = [spare.id];
    const plan = await planEvacuation({ actor, hostId: dead.id, targetHostIds: only });
    const byId = new Map(plan.rows.map((r) => [r.jail.id, r]));
    expect(byId.get(withBackup.id)).toMatchObject({ target: { id: spare.id }, backup: { sizeBytes: 13 } });
    expect(byId.get(without.id)).toMatchObject({ target: { id: spare.id }, backup: null });
    expect(byId.has(leaving.id)).toBe(false);

    const oldAddresses = [...(await addressesOf(withBackup.id)), ...(await addressesOf(without.id))];
    expect(await evacuateHost({ actor, hostId: dead.id, confirmName: dead.name, targetHostIds: only })).toEqual({
      sent: 2,
      leftForRoom: 0,
    });
    for (const old of oldAddresses)
      expect(await db.ipAddress.findFirst({ where: { address: old.address, poolId: old.poolId } })).toMatchObject({ jailId: null });
    expect(
      await db.mailMessage.count({ where: { kind: "jail-evacuating", to: { in: [a.account.billingEmail, b.account.billingEmail] } } }),
    ).toBe(2);

    // The spare restores the one with a backup from it, and makes the other again.
    const jobs = await leaseJobs({ hostId: spare.id, leasedBy: "spare", max: 5 });
    expect(jobs.map((j) => [j.jailId, j.type]).sort()).toEqual(
      [
        [withBackup.id, "MIGRATE_IN"],
        [without.id, "CREATE"],
      ].sort(),
    );
    const restore = jobs.find((j) => j.type === "MIGRATE_IN")!;
    const p = jobPayloads.MIGRATE_IN.parse(restore.payload);
    expect(p.snapshotId).toBe(snap.snapshotId);
    const dir = fs.mkdtempSync(path.join(tmp, "evacuated-"));
    await new Restic(systemRunner.run, targetOf(p)).restore({ snapshotId: p.snapshotId, dir });
    expect(fs.readFileSync(path.join(dir, "db.sql"), "utf8")).toBe("customer data");
    for (const j of jobs) {
      await completeJob({
        hostId: spare.id,
        jobId: j.id,
        report: { status: "SUCCEEDED", attempt: j.attempts, result: { running: j.type === "MIGRATE_IN", initPid: 7 } },
      });
    }
    expect(await db.jail.findUniqueOrThrow({ where: { id: withBackup.id } })).toMatchObject({ hostId: spare.id, state: "RUNNING" });
    expect(await db.jail.findUniqueOrThrow({ where: { id: without.id } })).toMatchObject({ hostId: spare.id, state: "STOPPED" });
    expect(await db.migration.count({ where: { sourceHostId: dead.id, kind: "EVACUATE", status: "DONE" } })).toBe(2);
    expect(
      await db.mailMessage.count({ where: { kind: "jail-evacuated", to: { in: [a.account.billingEmail, b.account.billingEmail] } } }),
    ).toBe(2);

    // Fenced: whatever is queued for the dead host, its agent is handed only the confirmed wipes.
    await db.job.create({
      data: { hostId: dead.id, type: "START", payload: { name: withBackup.name }, idempotencyKey: `stray-${dead.id}` },
    });
    expect(await leaseJobs({ hostId: dead.id, leasedBy: "back-from-the-dead", max: 5 })).toEqual([]);
    expect(await wipeEvacuatedCopies({ actor, hostId: dead.id, confirmName: dead.name })).toEqual({ queued: 2 });
    const wipes = await leaseJobs({ hostId: dead.id, leasedBy: "back-from-the-dead", max: 5 });
    expect(wipes.map((w) => [w.type, w.jailId, (w.payload as { name: string }).name]).sort()).toEqual(
      [
        ["DESTROY", null, withBackup.name],
        ["DESTROY", null, without.name],
      ].sort(),
    );
    // Nothing left on it: it can be removed.
    expect(await db.jail.count({ where: { hostId: dead.id, destroyedAt: null } })).toBe(0);
  });

  it("a customer's cancellation of a jail on a dead host completes at once", async () => {
    const dead = await createHost({ facts: MIGRATABLE });
    const { account, user } = await createCustomer();
    const jail = await createJailRow({ accountId: account.id, hostId: dead.id });
    await declareHostDead({ actor: await admin(), hostId: dead.id, confirmName: dead.name });
    const r = await cancelJail({
      actor: customerActor({ id: user.id, accountId: account.id }),
      jailId: jail.id,
      confirmHostname: jail.hostname,
    });
    expect(r.jobId).toBeNull();
    expect(await db.jail.findUniqueOrThrow({ where: { id: jail.id } })).toMatchObject({ state: "DESTROYED" });
    expect(await addressesOf(jail.id)).toEqual([]);
  });

  it("evacuation waits for the declaration and leaves jails for which no host has room", async () => {
    const dead = await createHost({ facts: MIGRATABLE });
    const { account } = await createCustomer();
    const jail = await createJailRow({ accountId: account.id, hostId: dead.id });
    const actor = await admin();
    await expect(planEvacuation({ actor, hostId: dead.id })).rejects.toMatchObject({ code: "PRECONDITION" });
    await expect(evacuateHost({ actor, hostId: dead.id, confirmName: dead.name })).rejects.toMatchObject({ code: "PRECONDITION" });
    // The only host offered is full.
    const full = await createHost({ facts: MIGRATABLE, capacityJails: 1 });
    await createJailRow({ accountId: account.id, hostId: full.id });
    await declareHostDead({ actor, hostId: dead.id, confirmName: dead.name });
    const { rows } = await planEvacuation({ actor, hostId: dead.id, targetHostIds: [full.id] });
    expect(rows.find((r) => r.jail.id === jail.id)?.target).toBeNull();
    expect(await evacuateHost({ actor, hostId: dead.id, confirmName: dead.name, targetHostIds: [full.id] })).toEqual({
      sent: 0,
      leftForRoom: 1,
    });
    expect(await db.jail.findUniqueOrThrow({ where: { id: jail.id } })).toMatchObject({ hostId: dead.id });
  });
});
