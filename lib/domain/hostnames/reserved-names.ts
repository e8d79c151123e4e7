// Names staff keep back from customers (ReservedName): brand labels that invite phishing
// ("paypal"), and suffixes that belong to the provider ("cellblock.example"). Part of the
// hostname policy (lib/schemas/hostname-policy.ts).
import { db, type Tx } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { assertStaff, type StaffActor } from "@/lib/domain/actor";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import type { ReservedNameKind } from "@/lib/generated/prisma/enums";

/**
 * The reserved entry `hostname` falls under, or null. LABEL matches any label equal to the
 * value; SUFFIX matches the value itself or any name ending in ".value".
 */
export async function findReservation(tx: Tx | typeof db, { hostname }: { hostname: string }) {
  const labels = hostname.split(".");
  const suffixes = labels.map((_, i) => labels.slice(i).join("."));
  return tx.reservedName.findFirst({
    where: {
      OR: [
        { kind: "LABEL", value: { in: labels } },
        { kind: "SUFFIX", value: { in: suffixes } },
      ],
    },
    select: { kind: true, value: true },
  });
}

/** The words a customer reads when their hostname is reserved. */
export function reservedMessage(r: { kind: ReservedNameKind; value: string }): string {
  return r.kind === "LABEL"
    ? `Hostnames containing "${r.value}" are reserved. Choose another hostname.`
    : `Names under ${r.value} are reserved. Choose another hostname.`;
}

export const RESERVED_PAGE_SIZE = 50;

/** Every reserved name, newest first, a page at a time. */
export async function listReservedNames({ actor, page }: { actor: StaffActor; page: number }) {
  assertStaff(actor, "ADMIN");
  const [rows, total] = await Promise.all([
    db.reservedName.findMany({
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (page - 1) * RESERVED_PAGE_SIZE,
      take: RESERVED_PAGE_SIZE,
    }),
    db.reservedName.count(),
  ]);
  return { rows, total };
}

/**
 * Reserves a label or suffix (audited). Jails that already use it keep it.
 * @throws AppError CONFLICT when it is already reserved.
 */
export async function addReservedName({
  actor,
  kind,
  value,
  reason,
}: {
  actor: StaffActor;
  kind: ReservedNameKind;
  value: string;
  reason: string;
}) {
  assertStaff(actor, "ADMIN");
  return db.$transaction(async (tx) => {
    const exists = await tx.reservedName.findUnique({ where: { kind_value: { kind, value } } });
    if (exists) throw new AppError("CONFLICT", `${value} is already reserved.`, { value: [`${value} is already reserved.`] });
    const row = await tx.reservedName.create({ data: { kind, value, reason, createdById: actor.userId } });
    await recordAudit(tx, {
      actor,
      action: "reserved-name.add",
      targetType: "ReservedName",
      targetId: row.id,
      data: { kind, value, reason },
    });
    return row;
  });
}

/** Releases a reserved name (audited). @throws AppError NOT_FOUND. */
export async function removeReservedName({ actor, id }: { actor: StaffActor; id: string }) {
  assertStaff(actor, "ADMIN");
  return db.$transaction(async (tx) => {
    const row = await tx.reservedName.findUnique({ where: { id } });
    if (!row) throw new AppError("NOT_FOUND", "That reserved name was not found.");
    await tx.reservedName.delete({ where: { id } });
    await recordAudit(tx, {
      actor,
      action: "reserved-name.remove",
      targetType: "ReservedName",
      targetId: id,
      data: { kind: row.kind, value: row.value },
    });
  });
}
