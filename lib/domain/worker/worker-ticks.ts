// The record of the worker's ticks (WorkerTick): one row per tick the leading worker ran, so
// "each periodic task ran once per tick" is something the database can answer.
import { db } from "@/lib/db";
import { MS_PER_DAY } from "@/lib/units";

/** How long tick rows are kept. */
export const WORKER_TICK_RETENTION_DAYS = 7;

/**
 * Records that `workerId` starts a tick at `now` and returns the row's id. Also deletes rows
 * older than WORKER_TICK_RETENTION_DAYS (one statement, bounded by the index on startedAt).
 */
export async function startWorkerTick({ workerId, now }: { workerId: string; now: Date }): Promise<string> {
  if (!workerId) throw new Error("startWorkerTick: workerId is required");
  await db.workerTick.deleteMany({ where: { startedAt: { lt: new Date(now.getTime() - WORKER_TICK_RETENTION_DAYS * MS_PER_DAY) } } });
  const row = await db.workerTick.create({ data: { workerId, startedAt: now, tasks: [] } });
  return row.id;
}

/**
 * Records how the tick `id` ended: `tasks`, the names of the tasks that ran to the end, in
 * order; `error`, the first failure ("<task>: <message>", cut to 2000 characters) or null.
 */
export async function finishWorkerTick({
  id,
  tasks,
  error,
  now = new Date(),
}: {
  id: string;
  tasks: string[];
  error: string | null;
  now?: Date;
}) {
  await db.workerTick.update({ where: { id }, data: { finishedAt: now, tasks, error: error?.slice(0, 2000) ?? null } });
}
