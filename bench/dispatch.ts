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
  const jobs = (await h.db.job.findMany({ where: { id: { in: ids } } })).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  const wait = (j: (typeof jobs)[number]) => (j.startedAt ? j.startedAt.getTime() - j.createdAt.getTime() : Infinity);
  const s = stats(jobs.map(wait));
  console.log(`dispatch: ${s.n} jobs, queue → agent start: median ${s.median} ms, p95 ${s.p95} ms, min ${s.min} ms, max ${s.max} ms`);
  // Where the tail came from: when the lease of the job before this one filled every job slot
  // (AGENT_MAX_JOBS, 2: an earlier job was still running or reporting), the agent had no lease
  // request open when this one was queued — it could only ask once a slot had freed.
  const slots = 2;
  const full = (i: number) => {
    const at = jobs[i - 1]?.startedAt;
    return !!at && jobs.slice(0, i).filter((e) => e.startedAt && e.startedAt <= at && (!e.finishedAt || e.finishedAt > at)).length >= slots;
  };
  const slotWaits = jobs.flatMap((j, i) => (full(i) ? [wait(j)] : []));
  const freeWaits = jobs.flatMap((j, i) => (full(i) ? [] : [wait(j)]));
  const line = (xs: number[]) => {
    if (!xs.length) return "none";
    const t = stats(xs);
    return `${t.n} jobs, median ${t.median} ms, p95 ${t.p95} ms, max ${t.max} ms`;
  };
  if (process.env.BENCH_DETAIL)
    for (const [i, j] of jobs.entries()) {
      const prev = jobs[i - 1];
      const gap = prev?.finishedAt ? j.createdAt.getTime() - prev.finishedAt.getTime() : NaN;
      console.log(
        `  #${i} wait ${wait(j)} ms${full(i) ? " (slots full)" : ""}; queued ${gap} ms after the previous job finished; ran ${j.finishedAt && j.startedAt ? j.finishedAt.getTime() - j.startedAt.getTime() : NaN} ms`,
      );
    }
  console.log(`  queued after a lease that filled every slot: ${line(slotWaits)}`);
  console.log(`  queued with a lease request open:           ${line(freeWaits)}`);
  console.log(`target: median < 300 ms — ${s.median < 300 ? "met" : "NOT met"}`);
} finally {
  await h.stop();
}
