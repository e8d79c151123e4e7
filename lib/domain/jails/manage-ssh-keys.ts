// SSH public keys for root on one jail. The database holds the list; every change queues a
// SET_SSH_KEYS job carrying the whole list, so the host converges on it however many changes
// were made while it was busy (queued, not yet started older lists are called off).
import { db, type Tx } from "@/lib/db";
import { AppError, isUniqueViolationOf, notFound } from "@/lib/errors";
import { enqueueJob } from "@/lib/domain/jobs/enqueue-job";
import { cancelQueuedJobs } from "@/lib/domain/jobs/end-job";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import type { ParsedSshKey } from "@/lib/schemas/ssh-public-key";
import type { CustomerActor } from "@/lib/domain/actor";
import { assertCapability } from "./jail-capabilities";
import { lockOwnedJail, type OwnedJail } from "./lock-owned-jail";

export const MAX_SSH_KEYS = 50;

async function queueKeyList(tx: Tx, { actor, jail }: { actor: CustomerActor; jail: OwnedJail }) {
  // Not running (FAILED): the next REINSTALL job carries the keys.
  if (jail.state !== "RUNNING") return null;
  const keys = await tx.sshKey.findMany({
    where: { jailId: jail.id, accountId: actor.accountId },
    orderBy: { createdAt: "asc" },
    select: { publicKey: true },
  });
  await cancelQueuedJobs(tx, { jailId: jail.id, types: ["SET_SSH_KEYS"], reason: "Superseded by a newer key list.", now: new Date() });
  return enqueueJob(tx, {
    hostId: jail.hostId,
    jailId: jail.id,
    type: "SET_SSH_KEYS",
    payload: { name: jail.name, keys: keys.map((k) => k.publicKey) },
    requestedById: actor.userId,
  });
}

/**
 * Adds a parsed key to the jail and queues the whole key list when the jail runs.
 * @throws AppError CONFLICT (key already there), PRECONDITION (MAX_SSH_KEYS reached, or not allowed now).
 */
export async function addSshKey({
  actor,
  jailId,
  key,
  label,
}: {
  actor: CustomerActor;
  jailId: string;
  key: ParsedSshKey;
  label?: string;
}) {
  try {
    return await db.$transaction(async (tx) => {
      const { jail, capabilities } = await lockOwnedJail(tx, { actor, jailId });
      assertCapability(capabilities.sshKeys);
      const count = await tx.sshKey.count({ where: { jailId: jail.id, accountId: actor.accountId } });
      if (count >= MAX_SSH_KEYS) throw new AppError("PRECONDITION", `A jail can have at most ${MAX_SSH_KEYS} keys. Remove one first.`);
      const created = await tx.sshKey.create({
        data: {
          accountId: actor.accountId,
          jailId: jail.id,
          label: label ?? (key.comment || `${key.type} key`),
          type: key.type,
          bits: key.bits,
          publicKey: key.line,
          fingerprint: key.fingerprint,
        },
      });
      const job = await queueKeyList(tx, { actor, jail });
      await recordAudit(tx, {
        actor,
        action: "jail.ssh-key.add",
        targetType: "Jail",
        targetId: jail.id,
        accountId: actor.accountId,
        data: { fingerprint: key.fingerprint },
      });
      return { keyId: created.id, jobId: job?.id ?? null };
    });
  } catch (err) {
    if (isUniqueViolationOf(err, "fingerprint")) {
      throw new AppError("CONFLICT", "This key is already on the jail.", {
        publicKey: [`This key (${key.fingerprint}) is already on the jail.`],
      });
    }
    throw err;
  }
}

/** Removes one key and queues the remaining list. @throws AppError NOT_FOUND for a key not on this jail. */
export async function removeSshKey({ actor, jailId, keyId }: { actor: CustomerActor; jailId: string; keyId: string }) {
  return db.$transaction(async (tx) => {
    const { jail, capabilities } = await lockOwnedJail(tx, { actor, jailId });
    assertCapability(capabilities.sshKeys);
    const { count } = await tx.sshKey.deleteMany({ where: { id: keyId, jailId: jail.id, accountId: actor.accountId } });
    if (count === 0) throw notFound("That key");
    const job = await queueKeyList(tx, { actor, jail });
    await recordAudit(tx, {
      actor,
      action: "jail.ssh-key.remove",
      targetType: "Jail",
      targetId: jail.id,
      accountId: actor.accountId,
      data: { keyId },
    });
    return { jobId: job?.id ?? null };
  });
}
