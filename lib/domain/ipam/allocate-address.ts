import type { Tx } from "@/lib/db";
import { AppError } from "@/lib/errors";

/**
 * Claims the lowest free address of a host's pool for a jail. FOR UPDATE SKIP LOCKED means two
 * concurrent orders never wait on, or get, the same row; the unique (jailId, kind) index means
 * a jail never holds two of a kind. Returns the existing address if the jail already has one.
 */
export async function allocateAddress(tx: Tx, hostId: string, kind: "PUBLIC" | "PRIVATE", jailId: string): Promise<string> {
  if (!hostId || !jailId) throw new Error("allocateAddress: hostId and jailId are required");
  const held = await tx.ipAddress.findFirst({ where: { jailId, kind }, select: { address: true } });
  if (held) return held.address;
  const rows = await tx.$queryRaw<Array<{ address: string }>>`
    UPDATE "IpAddress" SET "jailId" = ${jailId}, "assignedAt" = now()
    WHERE "id" = (
      SELECT "id" FROM "IpAddress"
      WHERE "hostId" = ${hostId} AND "kind" = ${kind}::"IpKind" AND "jailId" IS NULL
      ORDER BY "sortKey"
      LIMIT 1
      FOR UPDATE SKIP LOCKED
    )
    RETURNING "address"`;
  if (rows.length === 0) {
    throw new AppError("NO_CAPACITY", kind === "PUBLIC" ? "The host has no free public address." : "The host has no free private address.");
  }
  return rows[0]!.address;
}

/** Returns a jail's addresses to its host's pools (when the jail is destroyed). */
export async function releaseAddresses(tx: Tx, jailId: string): Promise<number> {
  if (!jailId) throw new Error("releaseAddresses: jailId is required");
  const { count } = await tx.ipAddress.updateMany({ where: { jailId }, data: { jailId: null, assignedAt: null } });
  return count;
}
