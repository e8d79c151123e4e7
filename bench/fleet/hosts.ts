// The simulated fleet's hosts, made the way an operator makes them: a Host row with a one-time
// enrolment token and its address pools (populatePools, as "Add host" does), then the token
// exchanged for the agent secret at the real POST /api/agent/enroll. The simulated agents then
// authenticate exactly as real ones do, with the secret the server handed out.
import { enroll } from "@/host-agent/api-client";
import { hashSecret, newSecret } from "@/lib/domain/hosts/agent-secrets";
import { populatePools } from "@/lib/domain/ipam/populate-pools";
import type { Db } from "@/lib/db";

export type SimHost = { id: string; name: string; secret: string };

/** Host i's blocks: a private /24 in 10.0.0.0/8 and a public /24 in 100.64.0.0/10 (CGNAT space, never routed here). */
const blocks = (i: number) => ({
  privateNetblock: `10.${100 + (i >> 8)}.${i & 255}.0/24`,
  publicPoolCidr: `100.${64 + (i >> 8)}.${i & 255}.0/24`,
});

async function pool<T>(items: T[], width: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/**
 * Makes `count` LXC hosts named sim-0000…, each with `capacityJails` and its pools, and enrols
 * each through `${url}/api/agent/enroll`. Returns the hosts in name order with their secrets.
 */
export async function createSimHosts(db: Db, url: string, count: number, capacityJails: number): Promise<SimHost[]> {
  const made: Array<{ id: string; name: string; token: string }> = [];
  const expires = new Date(Date.now() + 3600_000);
  await pool(
    Array.from({ length: count }, (_, i) => i),
    4,
    async (i) => {
      const name = `sim-${String(i).padStart(4, "0")}`;
      const token = newSecret();
      const { privateNetblock, publicPoolCidr } = blocks(i);
      const host = await db.$transaction(
        async (tx) => {
          const host = await tx.host.create({
            data: {
              name,
              fqdn: `${name}.fleet.bench`,
              driver: "LXC",
              status: "PENDING",
              capacityJails,
              capacityDiskMb: 4_000_000,
              capacityMemoryMb: 512_000,
              privateNetblock,
              enrollTokenHash: hashSecret(token),
              enrollTokenExpiresAt: expires,
            },
          });
          await populatePools(tx as never, { hostId: host.id, privateNetblock, publicPoolCidr });
          return host;
        },
        { timeout: 60_000 },
      );
      made.push({ id: host.id, name, token });
    },
  );
  const hosts: SimHost[] = [];
  await pool(made, 8, async (h) => {
    const res = await enroll(url, { token: h.token, agentVersion: "fleet-sim", driver: "lxc" });
    if (res.hostId !== h.id) throw new Error(`enrolment of ${h.name} answered for ${res.hostId}`);
    hosts.push({ id: h.id, name: h.name, secret: res.secret });
  });
  return hosts.sort((a, b) => a.name.localeCompare(b.name));
}
