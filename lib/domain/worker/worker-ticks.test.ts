import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { finishWorkerTick, startWorkerTick, WORKER_TICK_RETENTION_DAYS } from "./worker-ticks";

describe("worker ticks", () => {
  it("records who ran a tick, which tasks finished and the first error, and prunes rows past retention", async () => {
    const workerId = `test:${crypto.randomBytes(4).toString("hex")}`;
    const now = new Date();
    const old = await db.workerTick.create({
      data: { workerId, startedAt: new Date(now.getTime() - (WORKER_TICK_RETENTION_DAYS + 1) * 86_400_000), tasks: ["billing"] },
    });
    const id = await startWorkerTick({ workerId, now });
    expect(await db.workerTick.findUnique({ where: { id: old.id } })).toBeNull();
    await finishWorkerTick({ id, tasks: ["expired-leases", "billing"], error: `backup-schedule: ${"x".repeat(3000)}` });
    const row = await db.workerTick.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ workerId, startedAt: now, tasks: ["expired-leases", "billing"] });
    expect(row.finishedAt).not.toBeNull();
    expect(row.error).toHaveLength(2000);
  });
});
