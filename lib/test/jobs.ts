// Queue a CREATE job for a jail row, the way ordering does (for tests of the job machinery).
import { db } from "@/lib/db";
import { enqueueJob } from "@/lib/domain/jobs/enqueue-job";
import { gatewayOf } from "@/lib/domain/ipam/cidr";

export async function queueCreate(jail: { id: string; name: string; hostname: string; hostId: string }) {
  const host = await db.host.findUniqueOrThrow({ where: { id: jail.hostId } });
  const ips = await db.ipAddress.findMany({ where: { jailId: jail.id } });
  return db.$transaction((tx) =>
    enqueueJob(tx, {
      hostId: jail.hostId,
      jailId: jail.id,
      type: "CREATE",
      payload: {
        jail: {
          name: jail.name,
          hostname: jail.hostname,
          template: { slug: "test-base", lxcTemplate: "busybox", zfsSnapshot: null, tarballPath: null },
          limits: { memoryMb: 100, maxProcesses: 40, cpuPercent: 25, diskQuotaMb: 4096 },
          network: {
            privateIp: ips.find((i) => i.kind === "PRIVATE")!.address,
            privatePrefix: 24,
            privateGateway: gatewayOf(host.privateNetblock),
            publicIp: ips.find((i) => i.kind === "PUBLIC")?.address ?? null,
          },
        },
        sshKeys: [],
        start: true,
      },
    }),
  );
}
