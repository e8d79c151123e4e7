// Queue a CREATE job for a jail row, the way ordering does (for tests of the job machinery).
import { db } from "@/lib/db";
import { enqueueJob } from "@/lib/domain/jobs/enqueue-job";
import { jailSpecOf } from "@/lib/domain/jails/jail-spec";

export async function queueCreate(jail: { id: string; hostId: string }) {
  const row = await db.jail.findUniqueOrThrow({
    where: { id: jail.id },
    include: { plan: true, template: true, host: true, ipAddresses: true },
  });
  return db.$transaction((tx) =>
    enqueueJob(tx, { hostId: row.hostId, jailId: row.id, type: "CREATE", payload: { jail: jailSpecOf(row), sshKeys: [], start: true } }),
  );
}
