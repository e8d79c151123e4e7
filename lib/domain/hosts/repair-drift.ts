// Repairing drift, each repair an admin's confirmed choice (nothing is repaired automatically):
//   MISSING    recreate the jail from its template (from its backup, once backups exist);
//   UNEXPECTED destroy it, or adopt it as a customer's jail (adoptUnexpectedJail);
//   STATE      converge: make the host match the panel (start or stop it), or accept what the
//              host says and make the panel match.
// The repair's job is recorded on the drift row; the next heartbeat resolves the row once the
// host matches (or reports it again with the repair cleared, if the repair did not take).
import { db, type Tx } from "@/lib/db";
import { AppError, isUniqueViolationOf, notFound } from "@/lib/errors";
import { enqueueJob } from "@/lib/domain/jobs/enqueue-job";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import { assertStaff, type StaffActor } from "@/lib/domain/actor";
import { OPEN_JOB_STATUSES } from "@/lib/domain/jails/jail-capabilities";
import { jailSpecOf } from "@/lib/domain/jails/jail-spec";
import { switchPlanPeriod } from "@/lib/domain/jails/plan-periods";
import { allocateAddress, allocateIpv6 } from "@/lib/domain/ipam/allocate-address";
import { ensureTemplateBuild } from "@/lib/domain/templates/ensure-template-build";
import { jailName } from "@/lib/schemas/net";

type Drift = {
  id: string;
  hostId: string;
  jailName: string;
  jailId: string | null;
  kind: string;
  hostRunning: boolean | null;
  resolvedAt: Date | null;
  repairJobId: string | null;
};

async function lockDrift(tx: Tx, driftId: string): Promise<Drift> {
  const [d] = await tx.$queryRaw<Drift[]>`
    SELECT "id", "hostId", "jailName", "jailId", "kind"::text AS "kind", "hostRunning", "resolvedAt", "repairJobId"
    FROM "HostDrift" WHERE "id" = ${driftId} FOR UPDATE`;
  if (!d) throw notFound("That drift");
  if (d.resolvedAt) throw new AppError("PRECONDITION", "The host matches the panel again: nothing to repair.");
  if (d.repairJobId) {
    const job = await tx.job.findUnique({ where: { id: d.repairJobId }, select: { status: true } });
    if (job && (job.status === "QUEUED" || job.status === "RUNNING"))
      throw new AppError("PRECONDITION", "A repair of this drift is already under way.");
  }
  return d;
}

async function lockDriftJail(tx: Tx, drift: Drift) {
  if (!drift.jailId) throw new AppError("PRECONDITION", "This drift has no jail in the panel.");
  const [locked] = await tx.$queryRaw<Array<{ id: string }>>`
    SELECT "id" FROM "Jail" WHERE "id" = ${drift.jailId} AND "hostId" = ${drift.hostId} AND "destroyedAt" IS NULL FOR UPDATE`;
  if (!locked) throw new AppError("PRECONDITION", "That jail is no longer on this host.");
  const jail = await tx.jail.findUniqueOrThrow({
    where: { id: drift.jailId },
    include: {
      plan: true,
      template: true,
      host: { select: { id: true, driver: true, privateNetblock: true } },
      ipAddresses: { select: { kind: true, address: true, range: { select: { cidr: true } } } },
      jobs: { where: { status: { in: OPEN_JOB_STATUSES } }, select: { id: true } },
    },
  });
  if (jail.jobs.length) throw new AppError("PRECONDITION", "A job of this jail is open: wait for it before repairing.");
  return jail;
}

async function markRepaired(tx: Tx, driftId: string, jobId: string | null, now: Date) {
  await tx.hostDrift.update({ where: { id: driftId }, data: { repairJobId: jobId, repairedAt: now } });
}

export type DriftAction = "recreate" | "destroy" | "converge" | "accept";

/**
 * Carries out the admin's confirmed repair of one drift row, in one transaction with its job
 * and audit row. @throws AppError NOT_FOUND, PRECONDITION (the action does not fit the drift).
 */
export async function repairDrift({
  actor,
  driftId,
  action,
  now = new Date(),
}: {
  actor: StaffActor;
  driftId: string;
  action: DriftAction;
  now?: Date;
}) {
  assertStaff(actor, "ADMIN");
  return db.$transaction(async (tx) => {
    const drift = await lockDrift(tx, driftId);
    const audit = (data: Record<string, string | boolean | null>, accountId: string | null = null) =>
      recordAudit(tx, {
        actor,
        action: `drift.${action}`,
        targetType: "Host",
        targetId: drift.hostId,
        accountId,
        data: { jailName: drift.jailName, kind: drift.kind, ...data },
      });

    if (action === "recreate") {
      if (drift.kind !== "MISSING") throw new AppError("PRECONDITION", "Only a missing jail is recreated.");
      const jail = await lockDriftJail(tx, drift);
      const keys = await tx.sshKey.findMany({ where: { jailId: jail.id }, orderBy: { createdAt: "asc" }, select: { publicKey: true } });
      await tx.jail.update({
        where: { id: jail.id },
        data: { state: "QUEUED", jid: null, initPid: null, sshHostKeyFingerprint: null, rootPasswordSetAt: null, lastError: null },
      });
      const build = await ensureTemplateBuild(tx, { host: jail.host, template: jail.template, requestedById: actor.userId });
      const job = await enqueueJob(tx, {
        hostId: jail.hostId,
        jailId: jail.id,
        type: "CREATE",
        payload: { jail: jailSpecOf(jail), sshKeys: keys.map((k) => k.publicKey), start: jail.desiredState === "RUNNING" },
        requestedById: actor.userId,
        dependsOnId: build?.jobId ?? null,
      });
      await markRepaired(tx, drift.id, job.id, now);
      await audit({ jobId: job.id, from: "template" }, jail.accountId);
      return { jobId: job.id };
    }

    if (action === "destroy") {
      if (drift.kind !== "UNEXPECTED") throw new AppError("PRECONDITION", "Only a jail nobody ordered is destroyed from here.");
      if (!jailName.safeParse(drift.jailName).success)
        throw new AppError(
          "PRECONDITION",
          `${drift.jailName} is not named like a Cellblock jail: remove it on the host by hand if it should go.`,
        );
      const owned = await tx.jail.findUnique({ where: { name: drift.jailName }, select: { id: true } });
      if (owned) throw new AppError("PRECONDITION", "The panel knows a jail of that name now: nothing unexpected to destroy.");
      const job = await enqueueJob(tx, {
        hostId: drift.hostId,
        type: "DESTROY",
        payload: { name: drift.jailName },
        requestedById: actor.userId,
      });
      await markRepaired(tx, drift.id, job.id, now);
      await audit({ jobId: job.id });
      return { jobId: job.id };
    }

    if (drift.kind !== "STATE") throw new AppError("PRECONDITION", "Converging applies to a running / stopped mismatch.");
    const jail = await lockDriftJail(tx, drift);
    const hostRunning = drift.hostRunning ?? jail.state !== "RUNNING";
    if (action === "converge") {
      // The panel's state is what the customer asked for: the host follows it.
      const type = jail.state === "RUNNING" ? "START" : "STOP";
      const job = await enqueueJob(tx, {
        hostId: jail.hostId,
        jailId: jail.id,
        type,
        payload: { name: jail.name },
        requestedById: actor.userId,
      });
      await markRepaired(tx, drift.id, job.id, now);
      await audit({ jobId: job.id, job: type }, jail.accountId);
      return { jobId: job.id };
    }
    // accept: the panel follows the host.
    const state = hostRunning ? "RUNNING" : "STOPPED";
    await tx.jail.update({
      where: { id: jail.id },
      data: { state, desiredState: state, ...(state === "STOPPED" ? { jid: null, initPid: null } : {}) },
    });
    await tx.hostDrift.update({ where: { id: drift.id }, data: { resolvedAt: now, repairedAt: now } });
    await audit({ state }, jail.accountId);
    return { jobId: null };
  });
}

/**
 * Adopts a jail nobody ordered as a jail of the customer whose login is `email`, on `plan` from
 * `template`: a jail row with that name, addresses from the host's pools, and a CREATE, which
 * adopts a jail Cellblock made (keeping its files) and applies the plan and addresses.
 * @throws AppError NOT_FOUND, PRECONDITION, VALIDATION (field errors), CONFLICT (hostname taken).
 */
export async function adoptUnexpectedJail({
  actor,
  driftId,
  email,
  plan: planSlug,
  template: templateSlug,
  hostname,
  now = new Date(),
}: {
  actor: StaffActor;
  driftId: string;
  email: string;
  plan: string;
  template: string;
  hostname: string;
  now?: Date;
}) {
  assertStaff(actor, "ADMIN");
  try {
    return await db.$transaction(async (tx) => {
      const drift = await lockDrift(tx, driftId);
      if (drift.kind !== "UNEXPECTED") throw new AppError("PRECONDITION", "Only a jail nobody ordered can be adopted.");
      if (!jailName.safeParse(drift.jailName).success)
        throw new AppError("PRECONDITION", `${drift.jailName} is not named like a Cellblock jail, so it cannot be adopted.`);
      if (await tx.jail.findUnique({ where: { name: drift.jailName }, select: { id: true } }))
        throw new AppError("PRECONDITION", "The panel has had a jail of that name: names are never reused.");
      const user = await tx.user.findUnique({ where: { email }, select: { accountId: true } });
      if (!user?.accountId)
        throw new AppError("VALIDATION", "Please correct the highlighted fields.", { email: ["No customer login has that address."] });
      const plan = await tx.plan.findUnique({ where: { slug: planSlug } });
      if (!plan) throw new AppError("VALIDATION", "Please correct the highlighted fields.", { plan: ["Choose a plan."] });
      const template = await tx.template.findUnique({ where: { slug: templateSlug } });
      if (!template) throw new AppError("VALIDATION", "Please correct the highlighted fields.", { template: ["Choose a template."] });
      const running = drift.hostRunning ?? true;
      const jail = await tx.jail.create({
        data: {
          name: drift.jailName,
          hostname,
          accountId: user.accountId,
          planId: plan.id,
          templateId: template.id,
          hostId: drift.hostId,
          state: "QUEUED",
          desiredState: running ? "RUNNING" : "STOPPED",
        },
        include: { host: { select: { id: true, driver: true, privateNetblock: true } } },
      });
      await switchPlanPeriod(tx, { jailId: jail.id, planId: plan.id, at: now });
      await allocateAddress(tx, { hostId: jail.hostId, kind: "PRIVATE", jailId: jail.id });
      await allocateAddress(tx, { hostId: jail.hostId, kind: "PUBLIC", jailId: jail.id });
      await allocateIpv6(tx, { hostId: jail.hostId, jailId: jail.id });
      const ipAddresses = await tx.ipAddress.findMany({
        where: { jailId: jail.id },
        select: { kind: true, address: true, range: { select: { cidr: true } } },
      });
      const job = await enqueueJob(tx, {
        hostId: jail.hostId,
        jailId: jail.id,
        type: "CREATE",
        payload: { jail: jailSpecOf({ ...jail, plan, template, ipAddresses }), sshKeys: [], start: running },
        requestedById: actor.userId,
        idempotencyKey: `adopt:${jail.id}`,
      });
      await markRepaired(tx, drift.id, job.id, now);
      await recordAudit(tx, {
        actor,
        action: "drift.adopt",
        targetType: "Jail",
        targetId: jail.id,
        accountId: user.accountId,
        data: { jailName: drift.jailName, hostId: drift.hostId, plan: plan.slug, template: template.slug, hostname, jobId: job.id },
      });
      return { jailId: jail.id, jobId: job.id };
    });
  } catch (err) {
    if (isUniqueViolationOf(err, "Jail_hostname_live_key")) {
      const msg = `${hostname} is already taken.`;
      throw new AppError("CONFLICT", msg, { hostname: [msg] });
    }
    throw err;
  }
}
