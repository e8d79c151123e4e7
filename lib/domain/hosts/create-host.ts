import { db } from "@/lib/db";
import { AppError, isUniqueViolation } from "@/lib/errors";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import { assertStaff, type StaffActor } from "@/lib/domain/actor";
import { MS_PER_HOUR } from "@/lib/units";
import { populatePools } from "@/lib/domain/ipam/populate-pools";
import type { CreateHostInput } from "@/lib/schemas/hosts";
import { hashSecret, newSecret } from "./agent-secrets";

/** An enrolment token works once, within 24 hours (README). */
export const ENROLL_TOKEN_TTL_MS = 24 * MS_PER_HOUR;

/**
 * Adds a jailing host (PENDING until its agent enrols), creates its address pools, and returns
 * the one-time enrolment token. The token is shown once; only its hash is kept.
 */
export async function createHost({ actor, input, now = new Date() }: { actor: StaffActor; input: CreateHostInput; now?: Date }) {
  assertStaff(actor, "ADMIN");
  const token = newSecret();
  try {
    const host = await db.$transaction(async (tx) => {
      const host = await tx.host.create({
        data: {
          name: input.name,
          fqdn: input.fqdn,
          driver: input.driver,
          capacityJails: input.capacityJails,
          capacityDiskMb: input.capacityDiskMb,
          capacityMemoryMb: input.capacityMemoryMb,
          privateNetblock: input.privateNetblock,
          publicPoolCidr: input.publicPoolCidr,
          ipv6Prefix: input.ipv6Prefix,
          enrollTokenHash: hashSecret(token),
          enrollTokenExpiresAt: new Date(now.getTime() + ENROLL_TOKEN_TTL_MS),
        },
      });
      const addresses = await populatePools(tx, {
        hostId: host.id,
        privateNetblock: input.privateNetblock,
        publicPoolCidr: input.publicPoolCidr,
      });
      await recordAudit(tx, {
        actor,
        action: "host.create",
        targetType: "Host",
        targetId: host.id,
        data: { ...input, addresses },
      });
      return host;
    });
    return { host, token };
  } catch (err) {
    if (isUniqueViolation(err))
      throw new AppError("CONFLICT", "A host with that name or FQDN already exists.", { name: ["Already taken (name or FQDN)."] });
    throw err;
  }
}

/** A fresh enrolment token for a host (re-install of its agent). Old agent secrets stay valid until the new enrolment. */
export async function issueEnrollToken({ actor, hostId, now = new Date() }: { actor: StaffActor; hostId: string; now?: Date }) {
  assertStaff(actor, "ADMIN");
  const token = newSecret();
  await db.$transaction(async (tx) => {
    const { count } = await tx.host.updateMany({
      where: { id: hostId },
      data: { enrollTokenHash: hashSecret(token), enrollTokenExpiresAt: new Date(now.getTime() + ENROLL_TOKEN_TTL_MS) },
    });
    if (count !== 1) throw new AppError("NOT_FOUND", "That host was not found.");
    await recordAudit(tx, {
      actor,
      action: "host.enroll-token",
      targetType: "Host",
      targetId: hostId,
    });
  });
  return token;
}
