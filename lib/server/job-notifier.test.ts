// The lease long-poll's wake-up: the Job trigger's NOTIFY reaches a waiting subscriber of the
// job's host within a second, and only that host's subscribers. `wait` resolves true only when
// a notification woke it (false on its timeout), so these tests cannot pass by the lease
// route's periodic re-check.
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { enqueueJob } from "@/lib/domain/jobs/enqueue-job";
import { createHost } from "@/lib/test/factories";
import { jobNotifier } from "./job-notifier";

const queueStart = (hostId: string) =>
  db.$transaction((tx) => enqueueJob(tx, { hostId, type: "START", payload: { name: `cbnotify${Date.now()}` } }));

describe("jobNotifier", () => {
  it("wakes a waiting subscriber within a second of a job being queued for its host, and no other host's", async () => {
    const [host, other] = await Promise.all([createHost(), createHost()]);
    const mine = await jobNotifier.subscribe(host.id);
    const theirs = await jobNotifier.subscribe(other.id);
    try {
      const woken = mine.wait(20_000).then((w) => ({ w, at: Date.now() }));
      const otherWoken = theirs.wait(3_000);
      await queueStart(host.id);
      const committedAt = Date.now();
      const { w, at } = await woken;
      expect(w).toBe(true);
      expect(at - committedAt).toBeLessThan(1_000);
      expect(await otherWoken).toBe(false);
    } finally {
      mine.close();
      theirs.close();
    }
  });

  it("keeps a wake-up that arrives between subscribing and waiting (no lost wake-up), and a job re-queued wakes it too", async () => {
    const host = await createHost();
    const sub = await jobNotifier.subscribe(host.id);
    try {
      const job = await queueStart(host.id);
      // Give the notification its moment to arrive, then start waiting: it must not be lost.
      await expect.poll(() => sub.wait(0), { timeout: 5_000, interval: 50 }).toBe(true);
      // Consumed: the next wait times out.
      expect(await sub.wait(200)).toBe(false);
      // A job going back to QUEUED (a retry, an expired lease) notifies as well.
      await db.job.update({ where: { id: job.id }, data: { status: "RUNNING" } });
      const woken = sub.wait(20_000);
      await db.job.update({ where: { id: job.id }, data: { status: "QUEUED" } });
      expect(await woken).toBe(true);
    } finally {
      sub.close();
    }
  });
});
