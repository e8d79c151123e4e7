// Sets the jail's root password. The clear password lives only in this request: it is hashed
// here with SHA-512 crypt ("$6$", what FreeBSD's and Linux's /etc/shadow / master.passwd
// accept), and only the hash goes into the job for the agent, which strips it from the row
// once the job ends. Nothing else stores or logs either.
import crypto from "node:crypto";
import { encrypt } from "unixcrypt";
import { db } from "@/lib/db";
import { enqueueJob } from "@/lib/domain/jobs/enqueue-job";
import { cancelQueuedJobs } from "@/lib/domain/jobs/end-job";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import type { CustomerActor } from "@/lib/domain/actor";
import { assertCapability } from "./jail-capabilities";
import { lockOwnedJail } from "./lock-owned-jail";

const SALT_ALPHABET = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

export function sha512Crypt(password: string): string {
  const salt = Array.from(crypto.randomBytes(16), (b) => SALT_ALPHABET[b % 64]).join("");
  return encrypt(password, `$6$${salt}`);
}

/** Queues SET_PASSWORD with the SHA-512 crypt hash of `password`; a still-queued older one is called off. */
export async function setRootPassword({ actor, jailId, password }: { actor: CustomerActor; jailId: string; password: string }) {
  const passwordHash = sha512Crypt(password);
  return db.$transaction(async (tx) => {
    const { jail, capabilities } = await lockOwnedJail(tx, { actor, jailId });
    assertCapability(capabilities.setPassword);
    // A newer password makes a still-queued older one pointless: call it off.
    await cancelQueuedJobs(tx, { jailId: jail.id, types: ["SET_PASSWORD"], reason: "Superseded by a newer password.", now: new Date() });
    const job = await enqueueJob(tx, {
      hostId: jail.hostId,
      jailId: jail.id,
      type: "SET_PASSWORD",
      payload: { name: jail.name, passwordHash },
      requestedById: actor.userId,
    });
    await recordAudit(tx, {
      actor,
      action: "jail.set-root-password",
      targetType: "Jail",
      targetId: jail.id,
      accountId: actor.accountId,
    });
    return { jobId: job.id };
  });
}
