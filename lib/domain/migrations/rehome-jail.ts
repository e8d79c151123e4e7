// A jail's move to another host in the master record: its host and its addresses.
import type { Tx } from "@/lib/db";
import { allocateAddress, allocateIpv6, releaseAddresses } from "@/lib/domain/ipam/allocate-address";
import { jailSpecOf } from "@/lib/domain/jails/jail-spec";
import type { JailSpec } from "@/lib/schemas/jobs";

/**
 * Puts jail `jailId` on `targetHostId`: a private address from the target's netblock and an
 * IPv6 address from its prefix; the public address is kept when the target takes addresses from
 * the same pool (a pool of its own or of its host group), otherwise released and a new one
 * taken from the target's pools.
 * @returns the jail's spec on the target (for its job) and its public address before and after.
 * @throws AppError NO_CAPACITY when the target has no free address of a kind.
 */
export async function rehomeJail(
  tx: Tx,
  { jailId, targetHostId }: { jailId: string; targetHostId: string },
): Promise<{ spec: JailSpec; publicBefore: string | null; publicAfter: string | null }> {
  const target = await tx.host.findUniqueOrThrow({ where: { id: targetHostId }, select: { id: true, groupId: true } });
  const pub = await tx.ipAddress.findFirst({
    where: { jailId, kind: "PUBLIC" },
    select: { address: true, pool: { select: { hostId: true, groupId: true, retiredAt: true } } },
  });
  const keepPublic =
    !!pub && !pub.pool.retiredAt && (pub.pool.hostId === target.id || (pub.pool.groupId !== null && pub.pool.groupId === target.groupId));
  await releaseAddresses(tx, { jailId, keepPublic });
  await tx.jail.update({ where: { id: jailId }, data: { hostId: target.id } });
  await allocateAddress(tx, { hostId: target.id, kind: "PRIVATE", jailId });
  const publicAfter = await allocateAddress(tx, { hostId: target.id, kind: "PUBLIC", jailId });
  await allocateIpv6(tx, { hostId: target.id, jailId });
  const jail = await tx.jail.findUniqueOrThrow({
    where: { id: jailId },
    include: { plan: true, template: true, host: true, ipAddresses: { include: { range: { select: { cidr: true } } } } },
  });
  return { spec: jailSpecOf(jail), publicBefore: pub?.address ?? null, publicAfter };
}
