// bench/dispatch: how long a queued job waits before the agent starts it.
// Queues 100 jobs one after another (each in its own transaction, as a user's click would)
// and reads, per job, startedAt − createdAt from the database: the time from the commit that
// queued it to the lease that handed it to the long-polling agent. Target: median < 300 ms.
import { enqueueJob } from "@/lib/domain/jobs/enqueue-job";
import { startHarness, stats } from "./lib/harness";

const N = Number(process.env.BENCH_JOBS ?? 100);
const h = await startHarness();
try {
  const ids: string[] = [];
  for (let i = 0; i < N; i++) {
    // START of a jail the host does not have: the agent fails it at once (NotFound), so the
    // bench measures dispatch, not container work.
    const job = await h.db.$transaction((tx) =>
      enqueueJob(tx as never, { hostId: h.hostId, type: "START", payload: { name: `cbbench${String(i).padStart(6, "0")}` } }),
    );
    ids.push(job.id);
    const until = Date.now() + 5000;
    while (Date.now() < until && !(await h.db.job.findUniqueOrThrow({ where: { id: job.id } })).startedAt)
      await new Promise((r) => setTimeout(r, 5));
  }
  const jobs = await h.db.job.findMany({ where: { id: { in: ids } } });
  const waits = jobs.map((j) => (j.startedAt ? j.startedAt.getTime() - j.createdAt.getTime() : Infinity));
  const s = stats(waits);
  console.log(`dispatch: ${s.n} jobs, queue → agent start: median ${s.median} ms, p95 ${s.p95} ms, min ${s.min} ms, max ${s.max} ms`);
  console.log(`target: median < 300 ms — ${s.median < 300 ? "met" : "NOT met"}`);
} finally {
  await h.stop();
}
