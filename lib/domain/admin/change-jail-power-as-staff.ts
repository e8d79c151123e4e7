// Staff start or stop a customer's jail (support, abuse): the same rule as the customer's own
// buttons (jailCapabilities), the same job, on the jail row locked — but not scoped to an
// account, and audited as the member of staff on the customer's account.
import { db } from "@/lib/db";
import { AppError, notFound } from "@/lib/errors";
import { lockAccount } from "@/lib/domain/accounts/lock-account";
import { queuePowerChange } from "@/lib/domain/jails/change-jail-power";
import { assertStaff, type StaffActor } from "@/lib/domain/actor";
import { OPEN_JOB_STATUSES, jailCapabilities, type Capability } from "@/lib/domain/jails/jail-capabilities";
import { hostCapabilities } from "@/lib/schemas/capabilities";
import type { JailState, JobType } from "@/lib/generated/prisma/enums";

/** What staff may do to the jail now: start and stop, with the reason when not, in staff's words. */
export function staffJailCapabilities(input: {
  state: JailState;
  accountStatus: "ACTIVE" | "SUSPENDED" | "CLOSED";
  openJobs: Array<{ type: JobType }>;
  facts: unknown;
}): { start: Capability; stop: Capability } {
  const caps = jailCapabilities({
    state: input.state,
    accountStatus: input.accountStatus,
    openJobs: input.openJobs,
    host: hostCapabilities(input.facts),
  });
  const start: Capability =
    !caps.start.allowed && input.accountStatus !== "ACTIVE" && input.state === "STOPPED"
      ? { allowed: false, reason: "The account is suspended: lift the suspension to start its jails." }
      : caps.start;
  return { start, stop: caps.stop };
}

/**
 * Sets the jail's desired state and queues START or STOP.
 * @throws AppError NOT_FOUND, PRECONDITION (not allowed now, with the reason).
 */
export async function changeJailPowerAsStaff({ actor, jailId, verb }: { actor: StaffActor; jailId: string; verb: "start" | "stop" }) {
  assertStaff(actor, "ADMIN");
  return db.$transaction(async (tx) => {
    // The account first, then the jail: the order suspension and the customer's Start use
    // (lock-account.ts), so a suspension and this Start cannot interleave either.
    const owner = await tx.jail.findFirst({ where: { id: jailId, destroyedAt: null }, select: { accountId: true } });
    if (!owner || (await lockAccount(tx, { accountId: owner.accountId, mode: "share" })) === null) throw notFound("That jail");
    const [locked] = await tx.$queryRaw<
      Array<{ id: string }>
    >`SELECT "id" FROM "Jail" WHERE "id" = ${jailId} AND "destroyedAt" IS NULL FOR UPDATE`;
    if (!locked) throw notFound("That jail");
    const jail = await tx.jail.findUniqueOrThrow({
      where: { id: jailId },
      include: {
        account: { select: { status: true } },
        host: { select: { facts: true } },
        jobs: { where: { status: { in: OPEN_JOB_STATUSES } }, select: { type: true } },
      },
    });
    const cap = staffJailCapabilities({
      state: jail.state,
      accountStatus: jail.account.status,
      openJobs: jail.jobs,
      facts: jail.host.facts,
    })[verb];
    if (!cap.allowed) throw new AppError("PRECONDITION", cap.reason);
    return queuePowerChange(tx, { actor, jail, verb, auditData: { by: "staff" } });
  });
}
