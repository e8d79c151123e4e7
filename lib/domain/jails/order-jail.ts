// Ordering a jail: one transaction places it on a host, claims a private and a public
// address, writes the jail row (state QUEUED) and its CREATE job, and records the order in
// the audit log. The database keeps the promises the customer is made:
//   - a hostname is live once ("Jail_hostname_live_key"): of two concurrent orders for one
//     name, the second waits on the first and fails on the index;
//   - an address is handed out once (FOR UPDATE SKIP LOCKED in allocateAddress);
//   - one order form makes one jail (orderKey is unique): a double click or a resubmitted
//     form returns the jail the first submission made.
import crypto from "node:crypto";
import { db } from "@/lib/db";
import { findPlanOnSale } from "@/lib/domain/plans/find-plan-on-sale";
import { AppError, isUniqueViolationOf, notFound } from "@/lib/errors";
import { allocateAddress, allocateIpv6 } from "@/lib/domain/ipam/allocate-address";
import { ensureTemplateBuild } from "@/lib/domain/templates/ensure-template-build";
import { enqueueJob } from "@/lib/domain/jobs/enqueue-job";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import type { OrderJailInput } from "@/lib/schemas/jails";
import { assertScope, type CustomerActor } from "@/lib/domain/actor";
import { jailSpecOf } from "./jail-spec";
import { placeJail } from "./place-jail";
import { findReservation, reservedMessage } from "@/lib/domain/hostnames/reserved-names";
import { lockAccount } from "@/lib/domain/accounts/lock-account";
import { switchPlanPeriod } from "./plan-periods";

export const hostnameTakenMessage = (hostname: string) => `${hostname} is already taken. Choose another hostname.`;

/** The jail's name on its host: "cb" + 12 random base-36 characters, never reused. */
function newJailName(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = crypto.randomBytes(12);
  return "cb" + Array.from(bytes, (b) => alphabet[b % 36]).join("");
}

export type OrderJailResult = { jailId: string; created: boolean };

/**
 * Orders a jail for the actor's account (see the header for what the database guarantees).
 * @throws AppError FORBIDDEN (suspended account), VALIDATION (plan / template not on sale),
 *   CONFLICT (hostname taken, or an order key used by another account), NO_CAPACITY.
 */
export async function orderJail({
  actor,
  input,
  now = new Date(),
}: {
  actor: CustomerActor;
  input: OrderJailInput;
  now?: Date;
}): Promise<OrderJailResult> {
  assertScope(actor);
  const previous = await findOrder(actor.accountId, input.orderKey);
  if (previous) return previous;
  try {
    return await db.$transaction(async (tx) => {
      const status = await lockAccount(tx, { accountId: actor.accountId, mode: "share" });
      if (!status) throw notFound("Your account");
      if (status !== "ACTIVE")
        throw new AppError("FORBIDDEN", "Your account is suspended: new jails cannot be ordered until it is settled.");

      const plan = await findPlanOnSale(tx, input.plan);
      if (!plan)
        throw new AppError("VALIDATION", "Please correct the highlighted fields.", { plan: ["That plan is not on sale. Choose another."] });
      const template = await tx.template.findFirst({ where: { slug: input.template, active: true } });
      if (!template)
        throw new AppError("VALIDATION", "Please correct the highlighted fields.", {
          template: ["That template is not available. Choose another."],
        });

      const reserved = await findReservation(tx, { hostname: input.hostname });
      if (reserved) throw new AppError("VALIDATION", "Please correct the highlighted fields.", { hostname: [reservedMessage(reserved)] });

      // A friendly early answer; the unique index below is what actually guarantees it.
      const taken = await tx.jail.findFirst({ where: { hostname: input.hostname, destroyedAt: null }, select: { id: true } });
      if (taken) throw hostnameTaken(input.hostname);

      const hostId = await placeJail(tx, { now, needs: { hostname: input.hostname, plan, template } });
      const jail = await tx.jail.create({
        data: {
          hostname: input.hostname,
          name: newJailName(),
          accountId: actor.accountId,
          planId: plan.id,
          templateId: template.id,
          hostId,
          desiredState: "RUNNING",
          state: "QUEUED",
          orderKey: input.orderKey,
        },
        include: { host: { select: { id: true, driver: true, privateNetblock: true } } },
      });
      await switchPlanPeriod(tx, { jailId: jail.id, planId: plan.id, at: jail.createdAt });
      await allocateAddress(tx, { hostId, kind: "PRIVATE", jailId: jail.id });
      await allocateAddress(tx, { hostId, kind: "PUBLIC", jailId: jail.id });
      await allocateIpv6(tx, { hostId, jailId: jail.id });
      const ipAddresses = await tx.ipAddress.findMany({
        where: { jailId: jail.id },
        select: { kind: true, address: true, range: { select: { cidr: true } } },
      });

      // A host that does not have the template yet builds it first; the CREATE waits for that.
      const build = await ensureTemplateBuild(tx, { host: jail.host, template, requestedById: actor.userId });
      await enqueueJob(tx, {
        hostId,
        jailId: jail.id,
        type: "CREATE",
        payload: { jail: jailSpecOf({ ...jail, plan, template, ipAddresses }), sshKeys: [], start: true },
        requestedById: actor.userId,
        idempotencyKey: `create:${jail.id}`,
        dependsOnId: build?.jobId ?? null,
      });
      await recordAudit(tx, {
        actor,
        action: "jail.order",
        targetType: "Jail",
        targetId: jail.id,
        accountId: actor.accountId,
        data: { hostname: jail.hostname, plan: plan.slug, template: template.slug, hostId },
      });
      return { jailId: jail.id, created: true };
    });
  } catch (err) {
    if (isUniqueViolationOf(err, "orderKey")) {
      const again = await findOrder(actor.accountId, input.orderKey);
      if (again) return again;
    }
    if (isUniqueViolationOf(err, "Jail_hostname_live_key")) throw hostnameTaken(input.hostname);
    throw err;
  }
}

function hostnameTaken(hostname: string) {
  return new AppError("CONFLICT", hostnameTakenMessage(hostname), { hostname: [hostnameTakenMessage(hostname)] });
}

async function findOrder(accountId: string, orderKey: string): Promise<OrderJailResult | null> {
  const jail = await db.jail.findUnique({ where: { orderKey }, select: { id: true, accountId: true } });
  if (!jail) return null;
  // A key seen from another account is not a way to learn about its jail.
  if (jail.accountId !== accountId)
    throw new AppError("CONFLICT", "This order form has already been used. Reload the page and order again.");
  return { jailId: jail.id, created: false };
}
