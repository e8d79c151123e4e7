import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { verify } from "unixcrypt";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createCustomer, createHost, createJailRow, getOrCreatePlan, uid } from "@/lib/test/factories";
import { jobPayloads } from "@/lib/schemas/jobs";
import { parseSshPublicKey } from "@/lib/schemas/ssh-public-key";
import { addSshKeySchema, rootPasswordSchema } from "@/lib/schemas/jails";
import { startJail, stopJail, restartJail } from "./change-jail-power";
import { reinstallJail } from "./reinstall-jail";
import { cancelJail } from "./cancel-jail";
import { changeJailPlan } from "./change-jail-plan";
import { setRootPassword, sha512Crypt } from "./set-root-password";
import { addSshKey, removeSshKey } from "./manage-ssh-keys";
import { getJail } from "./get-jail";
import { listJails } from "./list-jails";
import { listJailActivity } from "./list-jail-activity";
import { getJailUsage } from "./get-jail-usage";
import { getCustomerDashboard } from "@/lib/domain/accounts/get-customer-dashboard";
import { customerActor, type CustomerActor } from "@/lib/domain/actor";
import { agentCompletesJobs } from "@/lib/test/jobs";

async function customerWithJail(state: "RUNNING" | "STOPPED" | "QUEUED" = "RUNNING") {
  const { user, account } = await createCustomer();
  const host = await createHost();
  const jail = await createJailRow({ accountId: account.id, hostId: host.id, state });
  return { user, account, host, jail, actor: customerActor({ id: user.id, accountId: account.id }) };
}

function sshKey(type: "ed25519" | "rsa" | "ecdsa", bits?: number): { line: string; fingerprint: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cb-key-"));
  const file = path.join(dir, "k");
  execFileSync("ssh-keygen", ["-q", "-t", type, ...(bits ? ["-b", String(bits)] : []), "-N", "", "-C", `test@${uid()}`, "-f", file]);
  const line = fs.readFileSync(`${file}.pub`, "utf8").trim();
  const fingerprint = execFileSync("ssh-keygen", ["-l", "-E", "sha256", "-f", `${file}.pub`], { encoding: "utf8" }).split(" ")[1]!;
  fs.rmSync(dir, { recursive: true, force: true });
  return { line, fingerprint };
}

/** Everything about a jail that a customer action could change: row, jobs, keys, addresses, audit. */
async function snapshot(jailId: string) {
  const [jail, jobs, keys, addrs, audit] = await Promise.all([
    db.jail.findUniqueOrThrow({ where: { id: jailId } }),
    db.job.findMany({ where: { jailId }, orderBy: { id: "asc" } }),
    db.sshKey.findMany({ where: { jailId }, orderBy: { id: "asc" } }),
    db.ipAddress.findMany({ where: { jailId }, orderBy: { id: "asc" } }),
    db.auditLog.count({ where: { targetId: jailId } }),
  ]);
  return JSON.stringify({ jail, jobs, keys, addrs, audit }, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
}

describe("cross-account: another customer's jail id is not found and nothing changes", () => {
  it("holds for every read and every action", async () => {
    const a = await customerWithJail("RUNNING");
    const key = parseSshPublicKey(sshKey("ed25519").line);
    if (!key.ok) throw new Error(key.error);
    const { keyId } = await addSshKey({ actor: a.actor, jailId: a.jail.id, key: key.key });
    await agentCompletesJobs(a.jail.id);
    await db.usageSample.create({
      data: {
        jailId: a.jail.id,
        hostId: a.host.id,
        sampledAt: new Date(),
        diskBytes: 5n,
        memoryBytes: 5n,
        cpuPercent: 1,
        processes: 1,
        netRxBytes: 1n,
        netTxBytes: 1n,
      },
    });
    const b = await customerWithJail("RUNNING");
    const before = await snapshot(a.jail.id);
    const block = await getOrCreatePlan(`block-${uid()}`);
    const otherKey = parseSshPublicKey(sshKey("ed25519").line);
    if (!otherKey.ok) throw new Error("test key did not parse");

    const attempts: Array<[string, () => Promise<unknown>]> = [
      ["getJail", () => getJail({ actor: b.actor, jailId: a.jail.id })],
      ["listJailActivity", () => listJailActivity({ actor: b.actor, jailId: a.jail.id })],
      ["getJailUsage", () => getJailUsage({ actor: b.actor, jailId: a.jail.id })],
      ["startJail", () => startJail({ actor: b.actor, jailId: a.jail.id })],
      ["stopJail", () => stopJail({ actor: b.actor, jailId: a.jail.id })],
      ["restartJail", () => restartJail({ actor: b.actor, jailId: a.jail.id })],
      ["reinstallJail", () => reinstallJail({ actor: b.actor, jailId: a.jail.id, confirmHostname: a.jail.hostname })],
      ["cancelJail", () => cancelJail({ actor: b.actor, jailId: a.jail.id, confirmHostname: a.jail.hostname })],
      ["changeJailPlan", () => changeJailPlan({ actor: b.actor, jailId: a.jail.id, planSlug: block.slug })],
      ["setRootPassword", () => setRootPassword({ actor: b.actor, jailId: a.jail.id, password: "a long enough password" })],
      ["addSshKey", () => addSshKey({ actor: b.actor, jailId: a.jail.id, key: otherKey.key })],
      ["removeSshKey (A's jail)", () => removeSshKey({ actor: b.actor, jailId: a.jail.id, keyId: keyId })],
      // B's own jail, but A's key id: still not found, A's key stays.
      ["removeSshKey (B's jail, A's key)", () => removeSshKey({ actor: b.actor, jailId: b.jail.id, keyId: keyId })],
    ];
    for (const [name, attempt] of attempts) {
      await expect(attempt(), name).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
    const listed = await listJails({ actor: b.actor });
    expect(listed.jails.map((j) => j.id)).toEqual([b.jail.id]);
    const dash = await getCustomerDashboard({ actor: b.actor });
    expect(dash.jails.map((j) => j.id)).toEqual([b.jail.id]);
    expect(await snapshot(a.jail.id)).toBe(before);
  });

  it("refuses to run a query without its account scope", async () => {
    const unscoped = { kind: "customer", userId: "u", accountId: "", ip: null } satisfies CustomerActor;
    await expect(getJail({ actor: unscoped, jailId: "x" })).rejects.toThrow(/account id is required/);
    await expect(listJails({ actor: unscoped })).rejects.toThrow(/account id is required/);
    await expect(getJail({ actor: customerActor({ id: "u", accountId: "a" }), jailId: "" })).rejects.toThrow(
      /id the query is scoped by is empty/,
    );
  });
});

describe("power actions", () => {
  it("stop queues one STOP job; a second click while it is open is refused with the reason", async () => {
    const { actor, jail, user } = await customerWithJail("RUNNING");
    await stopJail({ actor, jailId: jail.id });
    const row = await db.jail.findUniqueOrThrow({ where: { id: jail.id }, include: { jobs: true } });
    expect(row.desiredState).toBe("STOPPED");
    expect(row.jobs).toMatchObject([{ type: "STOP", status: "QUEUED", requestedById: user.id, payload: { name: jail.name } }]);
    await expect(stopJail({ actor, jailId: jail.id })).rejects.toMatchObject({
      code: "PRECONDITION",
      message: expect.stringMatching(/stopping/),
    });
    await expect(restartJail({ actor, jailId: jail.id })).rejects.toMatchObject({ code: "PRECONDITION" });
    expect(await db.job.count({ where: { jailId: jail.id } })).toBe(1);
    const detail = await getJail({ actor, jailId: jail.id });
    expect(detail.openJobs.map((j) => j.label)).toEqual(["Stopping"]);
    expect(detail.capabilities.start).toMatchObject({ allowed: false });
    await agentCompletesJobs(jail.id);
    await startJail({ actor, jailId: jail.id });
    expect(await db.job.count({ where: { jailId: jail.id, type: "START" } })).toBe(1);
  });

  it("double clicks at the same instant queue one job", async () => {
    const { actor, jail } = await customerWithJail("RUNNING");
    const results = await Promise.allSettled([
      restartJail({ actor, jailId: jail.id }),
      restartJail({ actor, jailId: jail.id }),
      restartJail({ actor, jailId: jail.id }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await db.job.count({ where: { jailId: jail.id } })).toBe(1);
  });

  it("a suspended account sees its jails, can stop them, but cannot start or restart them", async () => {
    const { actor, jail, account } = await customerWithJail("STOPPED");
    await db.account.update({ where: { id: account.id }, data: { status: "SUSPENDED" } });
    await expect(getJail({ actor, jailId: jail.id })).resolves.toMatchObject({ id: jail.id, accountStatus: "SUSPENDED" });
    await expect(startJail({ actor, jailId: jail.id })).rejects.toMatchObject({
      code: "PRECONDITION",
      message: expect.stringMatching(/suspended/),
    });
    await db.jail.update({ where: { id: jail.id }, data: { state: "RUNNING", desiredState: "RUNNING" } });
    await expect(restartJail({ actor, jailId: jail.id })).rejects.toMatchObject({ message: expect.stringMatching(/suspended/) });
    await expect(reinstallJail({ actor, jailId: jail.id, confirmHostname: jail.hostname })).rejects.toMatchObject({
      message: expect.stringMatching(/suspended/),
    });
    await stopJail({ actor, jailId: jail.id });
    expect(await db.job.findMany({ where: { jailId: jail.id }, select: { type: true } })).toEqual([{ type: "STOP" }]);
  });
});

describe("reinstall and cancel", () => {
  it("reinstall needs the hostname typed; then the jail is QUEUED with a REINSTALL job carrying its spec and keys", async () => {
    const { actor, jail } = await customerWithJail("RUNNING");
    const key = parseSshPublicKey(sshKey("ed25519").line);
    if (!key.ok) throw new Error(key.error);
    await addSshKey({ actor, jailId: jail.id, key: key.key });
    await agentCompletesJobs(jail.id);
    await db.jail.update({ where: { id: jail.id }, data: { jid: 12, sshHostKeyFingerprint: "SHA256:old" } });
    const before = await snapshot(jail.id);
    await expect(reinstallJail({ actor, jailId: jail.id, confirmHostname: "wrong.example.com" })).rejects.toMatchObject({
      code: "VALIDATION",
      fieldErrors: { confirmHostname: expect.any(Array) },
    });
    expect(await snapshot(jail.id)).toBe(before);

    await reinstallJail({ actor, jailId: jail.id, confirmHostname: jail.hostname.toUpperCase() });
    const row = await db.jail.findUniqueOrThrow({ where: { id: jail.id } });
    expect(row).toMatchObject({ state: "QUEUED", jid: null, sshHostKeyFingerprint: null });
    const job = await db.job.findFirstOrThrow({ where: { jailId: jail.id, type: "REINSTALL" } });
    const payload = jobPayloads.REINSTALL.parse(job.payload);
    expect(payload.jail).toMatchObject({ name: jail.name, hostname: jail.hostname });
    expect(payload.sshKeys).toEqual([key.key.line]);
  });

  it("cancel needs the hostname typed; then the jail is DESTROYING, queued work is called off and DESTROY is queued", async () => {
    const { actor, jail } = await customerWithJail("RUNNING");
    await stopJail({ actor, jailId: jail.id });
    await expect(cancelJail({ actor, jailId: jail.id, confirmHostname: "" })).rejects.toMatchObject({ code: "VALIDATION" });
    await cancelJail({ actor, jailId: jail.id, confirmHostname: jail.hostname });
    const row = await db.jail.findUniqueOrThrow({ where: { id: jail.id }, include: { jobs: { orderBy: { createdAt: "asc" } } } });
    expect(row).toMatchObject({ state: "DESTROYING", desiredState: "DESTROYED" });
    expect(row.cancelledAt).toBeInstanceOf(Date);
    expect(row.jobs.map((j) => [j.type, j.status])).toEqual([
      ["STOP", "CANCELLED"],
      ["DESTROY", "QUEUED"],
    ]);
    // Nothing more can be done to it, and cancelling twice is refused rather than doubled.
    await expect(startJail({ actor, jailId: jail.id })).rejects.toMatchObject({ code: "PRECONDITION" });
    await expect(cancelJail({ actor, jailId: jail.id, confirmHostname: jail.hostname })).rejects.toMatchObject({ code: "PRECONDITION" });
    expect(await db.job.count({ where: { jailId: jail.id, type: "DESTROY" } })).toBe(1);
  });
});

describe("change plan", () => {
  it("queues SET_LIMITS with the new plan's limits, and refuses a downgrade below current disk usage, saying why", async () => {
    const { actor, jail, host } = await customerWithJail("RUNNING");
    const big = await db.plan.create({
      data: {
        slug: `big-${uid()}`,
        name: "Big",
        priceCents: 5000,
        diskQuotaMb: 20_000,
        memoryLimitMb: 512,
        maxProcesses: 100,
        cpuPercent: 100,
        bandwidthGb: 500,
        overagePricePerGbCents: 10,
      },
    });
    const tiny = await db.plan.create({
      data: {
        slug: `tiny-${uid()}`,
        name: "Tiny",
        priceCents: 500,
        diskQuotaMb: 100,
        memoryLimitMb: 64,
        maxProcesses: 20,
        cpuPercent: 10,
        bandwidthGb: 5,
        overagePricePerGbCents: 10,
      },
    });
    const switchedAt = new Date(Date.UTC(2031, 2, 29, 12));
    const res = await changeJailPlan({ actor, jailId: jail.id, planSlug: big.slug, now: switchedAt });
    expect(res.direction).toBe("upgrade");
    // The periods plan fees are pro-rated from: the old plan up to the second, the new one from it.
    const periods = await db.jailPlanPeriod.findMany({ where: { jailId: jail.id }, orderBy: { startsAt: "asc" } });
    expect(periods.map((p) => [p.planId, p.startsAt.toISOString(), p.endsAt?.toISOString() ?? null])).toEqual([
      [jail.planId, jail.createdAt.toISOString(), switchedAt.toISOString()],
      [big.id, switchedAt.toISOString(), null],
    ]);
    const job = await db.job.findFirstOrThrow({ where: { jailId: jail.id, type: "SET_LIMITS" } });
    expect(jobPayloads.SET_LIMITS.parse(job.payload)).toEqual({
      name: jail.name,
      limits: { memoryMb: 512, maxProcesses: 100, cpuPercent: 100, diskQuotaMb: 20_000 },
    });
    expect((await db.jail.findUniqueOrThrow({ where: { id: jail.id } })).planId).toBe(big.id);
    await agentCompletesJobs(jail.id);

    await db.usageSample.create({
      data: {
        jailId: jail.id,
        hostId: host.id,
        sampledAt: new Date(),
        diskBytes: 150n * 1024n * 1024n,
        memoryBytes: 1n,
        cpuPercent: 1,
        processes: 3,
        netRxBytes: 0n,
        netTxBytes: 0n,
      },
    });
    const before = await snapshot(jail.id);
    await expect(changeJailPlan({ actor, jailId: jail.id, planSlug: tiny.slug })).rejects.toMatchObject({
      code: "PRECONDITION",
      message: "Tiny allows 100 MB of disk, but this jail uses 150 MB. Delete files until it uses less, then change the plan.",
    });
    expect(await snapshot(jail.id)).toBe(before);
    await expect(changeJailPlan({ actor, jailId: jail.id, planSlug: big.slug })).rejects.toMatchObject({
      fieldErrors: { plan: ["The jail is already on Big."] },
    });
  });
});

describe("root password", () => {
  it("hashes with SHA-512 crypt exactly as openssl passwd -6 does", async () => {
    const { encrypt } = await import("unixcrypt");
    // `openssl passwd -6 -salt abcdefgh hunter2hunter2`
    expect(encrypt("hunter2hunter2", "$6$abcdefgh")).toBe(
      "$6$abcdefgh$GQXGYsU/yu2Tn9J7fE3QdeY2Hqcl2RCfnQlZZp2gENuYkA40rb8yKGX/XtMg/a1yYlAaz39yjsg1e8ln1J7Bq0",
    );
    const h = sha512Crypt("x".repeat(12));
    expect(h).toMatch(/^\$6\$[./A-Za-z0-9]{16}\$[./A-Za-z0-9]{86}$/);
    expect(sha512Crypt("x".repeat(12))).not.toBe(h); // fresh salt each time
  });

  it("sends only the $6$ hash to the agent; the clear password is stored nowhere", async () => {
    const { actor, jail } = await customerWithJail("RUNNING");
    const password = `Clear-${uid()}-secret`;
    expect(rootPasswordSchema.safeParse({ jailId: jail.id, password, confirm: "other" }).success).toBe(false);
    await setRootPassword({ actor, jailId: jail.id, password: password });
    const job = await db.job.findFirstOrThrow({ where: { jailId: jail.id, type: "SET_PASSWORD" } });
    const payload = jobPayloads.SET_PASSWORD.parse(job.payload);
    expect(verify(password, payload.passwordHash)).toBe(true);
    // Search every text column this request could have written.
    const rows = await db.$queryRaw<Array<{ hit: number }>>`
      SELECT (SELECT count(*) FROM "Job" WHERE "payload"::text LIKE ${"%" + password + "%"} OR coalesce("output", '') LIKE ${"%" + password + "%"})::int
           + (SELECT count(*) FROM "AuditLog" WHERE coalesce("data"::text, '') LIKE ${"%" + password + "%"})::int AS "hit"`;
    expect(rows[0]!.hit).toBe(0);
    const audit = await db.auditLog.findFirstOrThrow({ where: { action: "jail.set-root-password", targetId: jail.id } });
    expect(JSON.stringify(audit.data)).not.toContain("$6$");
    // A second password before the first was picked up supersedes it (and drops its hash).
    await setRootPassword({ actor, jailId: jail.id, password: `${password}-2` });
    const jobs = await db.job.findMany({ where: { jailId: jail.id, type: "SET_PASSWORD" }, orderBy: { createdAt: "asc" } });
    expect(jobs.map((j) => j.status)).toEqual(["CANCELLED", "QUEUED"]);
    expect(JSON.stringify(jobs[0]!.payload)).not.toContain("$6$");
  });

  it("is refused while the jail is not installed", async () => {
    const { actor, jail } = await customerWithJail("QUEUED");
    await expect(setRootPassword({ actor, jailId: jail.id, password: "long enough password" })).rejects.toMatchObject({
      code: "PRECONDITION",
    });
  });
});

describe("SSH keys", () => {
  it("accepts ed25519 and RSA ≥ 2048 with ssh-keygen's fingerprint, refuses RSA < 2048 and what is not a key", () => {
    for (const k of [sshKey("ed25519"), sshKey("rsa", 2048), sshKey("rsa", 3072)]) {
      const parsed = parseSshPublicKey(k.line);
      expect(parsed.ok, k.line).toBe(true);
      if (parsed.ok) expect(parsed.key.fingerprint).toBe(k.fingerprint);
    }
    const rsa = parseSshPublicKey(sshKey("rsa", 2048).line);
    expect(rsa.ok && rsa.key.bits).toBe(2048);
    const weak = parseSshPublicKey(sshKey("rsa", 1024).line);
    expect(weak).toEqual({ ok: false, error: "This RSA key has 1024 bits. Use at least 2048 bits, or an ed25519 key." });
    expect(parseSshPublicKey(sshKey("ecdsa").line)).toMatchObject({ ok: false, error: expect.stringMatching(/not accepted/) });
    expect(parseSshPublicKey("hello world")).toMatchObject({ ok: false });
    expect(parseSshPublicKey("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB== x")).toMatchObject({ ok: false });
    // The type in the text must match the type inside the blob.
    const ed = sshKey("ed25519").line.split(" ");
    expect(parseSshPublicKey(`ssh-rsa ${ed[1]}`)).toMatchObject({ ok: false });
    expect(parseSshPublicKey("-----BEGIN OPENSSH PRIVATE KEY-----")).toMatchObject({
      ok: false,
      error: expect.stringMatching(/private key/),
    });
    expect(addSshKeySchema.safeParse({ jailId: "x", publicKey: "k".repeat(1_000_000) }).error?.issues[0]?.message).toBe(
      "A public key is at most 16 KB.",
    );
  });

  it("adding and removing keys queues the whole list; a duplicate is refused", async () => {
    const { actor, jail } = await customerWithJail("RUNNING");
    const k1 = parseSshPublicKey(sshKey("ed25519").line);
    const k2 = parseSshPublicKey(sshKey("rsa", 2048).line);
    if (!k1.ok || !k2.ok) throw new Error("keys did not parse");
    const { keyId } = await addSshKey({ actor, jailId: jail.id, key: k1.key, label: "laptop" });
    await addSshKey({ actor, jailId: jail.id, key: k2.key });
    await expect(addSshKey({ actor, jailId: jail.id, key: k1.key })).rejects.toMatchObject({
      code: "CONFLICT",
      fieldErrors: { publicKey: expect.any(Array) },
    });
    let jobs = await db.job.findMany({ where: { jailId: jail.id, type: "SET_SSH_KEYS" }, orderBy: { createdAt: "asc" } });
    expect(jobs.map((j) => j.status)).toEqual(["CANCELLED", "QUEUED"]); // the first list was superseded before it ran
    expect(jobPayloads.SET_SSH_KEYS.parse(jobs[1]!.payload).keys).toEqual([k1.key.line, k2.key.line]);
    await agentCompletesJobs(jail.id);
    await removeSshKey({ actor, jailId: jail.id, keyId: keyId });
    jobs = await db.job.findMany({ where: { jailId: jail.id, type: "SET_SSH_KEYS", status: "QUEUED" } });
    expect(jobPayloads.SET_SSH_KEYS.parse(jobs[0]!.payload).keys).toEqual([k2.key.line]);
    expect((await getJail({ actor, jailId: jail.id })).sshKeys.map((k) => k.label)).toEqual([k2.key.comment]);
  });
});

describe("usage, activity and dashboard", () => {
  it("buckets the last 24 h, fills 30 days from rollups and samples, and flags what is over the plan", async () => {
    const { jail, host, actor } = await customerWithJail("RUNNING");
    const plan = await db.plan.findUniqueOrThrow({ where: { id: jail.planId } });
    const now = new Date(Date.UTC(2026, 5, 15, 12, 7));
    const MB = 1024n * 1024n;
    const at = (minAgo: number) => new Date(now.getTime() - minAgo * 60_000);
    await db.usageSample.createMany({
      data: [
        {
          jailId: jail.id,
          hostId: host.id,
          sampledAt: at(1),
          diskBytes: BigInt(plan.diskQuotaMb + 10) * MB,
          memoryBytes: 50n * MB,
          cpuPercent: 20,
          processes: 5,
          netRxBytes: 1000n,
          netTxBytes: 500n,
        },
        {
          jailId: jail.id,
          hostId: host.id,
          sampledAt: at(5),
          diskBytes: 10n * MB,
          memoryBytes: 60n * MB,
          cpuPercent: 10,
          processes: 5,
          netRxBytes: 100n,
          netTxBytes: 0n,
        },
        {
          jailId: jail.id,
          hostId: host.id,
          sampledAt: at(120),
          diskBytes: 10n * MB,
          memoryBytes: 10n * MB,
          cpuPercent: 5,
          processes: 4,
          netRxBytes: 10n,
          netTxBytes: 0n,
        },
        {
          jailId: jail.id,
          hostId: host.id,
          sampledAt: at(60 * 30),
          diskBytes: 9n * MB,
          memoryBytes: 9n * MB,
          cpuPercent: 5,
          processes: 4,
          netRxBytes: 7n,
          netTxBytes: 0n,
        },
      ],
    });
    await db.usageRollup.create({
      data: {
        jailId: jail.id,
        period: "DAY",
        bucketStart: new Date(Date.UTC(2026, 5, 10)),
        samples: 288,
        diskMaxBytes: 8n * MB,
        diskAvgBytes: 8n * MB,
        memoryMaxBytes: 8n * MB,
        memoryAvgBytes: 8n * MB,
        cpuMaxPercent: 3,
        cpuAvgPercent: 2,
        processesMax: 3,
        netRxBytes: 1_000_000n,
        netTxBytes: 0n,
      },
    });
    const u = await getJailUsage({ actor, jailId: jail.id, now });
    expect(u.current).toMatchObject({ diskBytes: (plan.diskQuotaMb + 10) * 1024 * 1024, processes: 5 });
    expect(u.over).toEqual(["disk"]);
    // 1 and 5 min ago share the 12:00 bucket; 120 min ago is its own; 30 h ago is outside 24 h.
    expect(u.series24h.map((p) => p.t)).toEqual(["2026-06-15T10:00:00.000Z", "2026-06-15T12:00:00.000Z"]);
    expect(u.series24h[1]).toMatchObject({ memoryBytes: 60 * 1024 * 1024, cpuPercent: 15, netBytes: 1600 });
    expect(u.series30d.map((p) => p.t)).toEqual(["2026-06-10T00:00:00.000Z", "2026-06-14T00:00:00.000Z", "2026-06-15T00:00:00.000Z"]);
    expect(u.transferThisMonthBytes).toBe(1_000_000 + 1610 + 7);

    const dash = await getCustomerDashboard({ actor, now });
    expect(dash.notices).toEqual([
      expect.objectContaining({ jailId: jail.id, tone: "warning", text: expect.stringMatching(/more disk than its plan/) }),
    ]);
  });

  it("the dashboard counts the month's transfer as the jail page does: rolled-up days whose samples were pruned included", async () => {
    const { jail, host, actor } = await customerWithJail("RUNNING");
    const plan = await db.plan.findUniqueOrThrow({ where: { id: jail.planId } });
    const now = new Date(Date.UTC(2026, 6, 20, 9, 30));
    const allowance = BigInt(plan.bandwidthGb) * 1024n ** 3n;
    const day = (d: number) => new Date(Date.UTC(2026, 6, d));
    const rollup = (bucketStart: Date, netRxBytes: bigint) => ({
      jailId: jail.id,
      period: "DAY" as const,
      bucketStart,
      samples: 288,
      diskMaxBytes: 1n,
      diskAvgBytes: 1n,
      memoryMaxBytes: 1n,
      memoryAvgBytes: 1n,
      cpuMaxPercent: 1,
      cpuAvgPercent: 1,
      processesMax: 1,
      netRxBytes,
      netTxBytes: 0n,
    });
    const sample = (sampledAt: Date, netRxBytes: bigint) => ({
      jailId: jail.id,
      hostId: host.id,
      sampledAt,
      diskBytes: 1n,
      memoryBytes: 1n,
      cpuPercent: 1,
      processes: 1,
      netRxBytes,
      netTxBytes: 0n,
    });
    // July 2nd is rolled up and its samples long pruned; June's rollup is last month's. The
    // 19th is rolled up and still has a sample (counted once, through the rollup); today is not
    // rolled up yet, so its samples count.
    await db.usageRollup.createMany({
      data: [rollup(day(2), allowance), rollup(day(19), 5n), rollup(new Date(Date.UTC(2026, 5, 30)), 999n)],
    });
    await db.usageSample.createMany({
      data: [sample(new Date(day(19).getTime() + 3_600_000), 1000n), sample(new Date(now.getTime() - 60_000), 7n)],
    });

    const u = await getJailUsage({ actor, jailId: jail.id, now });
    expect(BigInt(u.transferThisMonthBytes)).toBe(allowance + 5n + 7n);
    expect(u.over).toEqual(["transfer"]);
    const dash = await getCustomerDashboard({ actor, now });
    expect(dash.notices).toEqual([
      expect.objectContaining({ jailId: jail.id, tone: "warning", text: expect.stringMatching(/more transfer this month/) }),
    ]);
  });

  it("activity lists jobs newest first with who asked, a page at a time; the dashboard flags a failed job", async () => {
    const { actor, jail, user } = await customerWithJail("RUNNING");
    await restartJail({ actor, jailId: jail.id });
    await agentCompletesJobs(jail.id, { failed: "lxc-start: container did not come up" });
    await stopJail({ actor, jailId: jail.id });
    const first = await listJailActivity({ actor, jailId: jail.id, pageSize: 1 });
    expect(first).toMatchObject({ total: 2, page: 1 });
    expect(first.jobs).toMatchObject([{ type: "STOP", status: "QUEUED", requestedBy: user.name }]);
    const second = await listJailActivity({ actor, jailId: jail.id, pageSize: 1, page: 2 });
    // The customer reads what happened in words; the host's own output stays with staff.
    expect(second.jobs).toMatchObject([
      { type: "RESTART", status: "FAILED", errorText: expect.stringMatching(/while restarting the jail/) },
    ]);
    expect(JSON.stringify(second)).not.toContain("lxc-start");
    const dash = await getCustomerDashboard({ actor });
    expect(dash.notices).toEqual([expect.objectContaining({ tone: "error", text: expect.stringMatching(/while restarting the jail/) })]);
    expect(JSON.stringify(dash)).not.toContain("lxc-start");
    expect((await getJail({ actor, jailId: jail.id })).failedJob).toMatchObject({ type: "RESTART" });
  });
});

describe("what the host declared it cannot do", () => {
  it("disables (and refuses) setting a password or keys on a host that cannot, with the reason", async () => {
    const { jailCapabilities } = await import("./jail-capabilities");
    const host = {
      snapshots: false,
      diskQuota: true,
      memoryLimit: true,
      processLimit: true,
      cpuLimit: true,
      network: true,
      publicIpv4: true,
      ipv6: false,
      hostnameLockdown: true,
      rootPassword: false,
      sshKeys: false,
      migration: false,
      limits: { maxJailNameLength: 64, maxHostnameLength: 64, maxJails: null, maxCpuPercent: null },
    };
    const caps = jailCapabilities({ state: "RUNNING", accountStatus: "ACTIVE", openJobs: [], host });
    expect(caps.setPassword).toEqual({
      allowed: false,
      reason: "This jail's host cannot set a root password. Log in with an SSH key instead.",
    });
    expect(caps.sshKeys).toEqual({ allowed: false, reason: "This jail's host cannot install SSH keys." });
    // Not declared: taken on trust.
    expect(jailCapabilities({ state: "RUNNING", accountStatus: "ACTIVE", openJobs: [], host: null }).setPassword).toEqual({
      allowed: true,
    });
  });
});
