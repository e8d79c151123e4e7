// The lease long-poll's wake-up: the Job trigger's NOTIFY reaches a waiting subscriber of the
// job's host within a second, and only that host's subscribers. `wait` resolves true only when
// a notification woke it (false on its timeout), so these tests cannot pass by the lease
// route's periodic re-check.
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { enqueueJob } from "@/lib/domain/jobs/enqueue-job";
import { createHost } from "@/lib/test/factories";
import { DUE_POLL_MS, jobNotifier } from "./job-notifier";

const queueStart = (hostId: string) =>
  db.$transaction((tx) => enqueueJob(tx, { hostId, type: "START", payload: { name: `cbnotify${Date.now()}` } }));

/**
 * A job queued for `hostId` but not due for a minute, in one transaction: its NOTIFY goes out at
 * commit, while the periodic due poll (which rightly wakes a host with due work) never sees it
 * due, so a wake-up in these tests can only have come from the NOTIFY.
 */
const queueNotDue = (hostId: string) =>
  db.$transaction(async (tx) => {
    const job = await enqueueJob(tx, { hostId, type: "START", payload: { name: `cbnotify${Date.now()}` } });
    return tx.job.update({ where: { id: job.id }, data: { runAfter: new Date(Date.now() + 60_000) } });
  });

describe("jobNotifier", () => {
  it("wakes a waiting subscriber within a second of a job being queued for its host, and no other host's", async () => {
    const [host, other] = await Promise.all([createHost(), createHost()]);
    const mine = await jobNotifier.subscribe(host.id);
    const theirs = await jobNotifier.subscribe(other.id);
    try {
      const woken = mine.wait(20_000).then((w) => ({ w, at: Date.now() }));
      const otherWoken = theirs.wait(3_000);
      await queueNotDue(host.id);
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
      const job = await queueNotDue(host.id);
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

  it("wakes a waiting host when a job's backoff ends or its lease expires, which no NOTIFY announces, and no host with nothing due", async () => {
    const [host, idle] = await Promise.all([createHost(), createHost()]);
    const sub = await jobNotifier.subscribe(host.id);
    const idleSub = await jobNotifier.subscribe(idle.id);
    try {
      // Not due for another 60 s: its NOTIFY is consumed, and the due poll leaves the idle host alone.
      await db.$transaction((tx) => enqueueJob(tx, { hostId: idle.id, type: "START", payload: { name: `cbnotify${Date.now()}` } }));
      await db.job.updateMany({ where: { hostId: idle.id }, data: { runAfter: new Date(Date.now() + 60_000) } });
      await expect.poll(() => idleSub.wait(0), { timeout: 5_000, interval: 50 }).toBe(true);
      const idleWoken = idleSub.wait(DUE_POLL_MS * 2 + 500);

      // A retry in backoff (QUEUED, due in 1.5 s): the queueing's NOTIFY came too early to lease it.
      const job = await queueStart(host.id);
      const dueAt = Date.now() + 1500;
      await db.job.update({ where: { id: job.id }, data: { runAfter: new Date(dueAt) } });
      await expect.poll(() => sub.wait(0), { timeout: 5_000, interval: 50 }).toBe(true);
      expect(await sub.wait(DUE_POLL_MS * 3 + 1500)).toBe(true);
      expect(Date.now()).toBeGreaterThanOrEqual(dueAt);

      // A RUNNING job whose lease expires (its agent died): no NOTIFY at all.
      const expiresAt = Date.now() + 1500;
      await db.job.update({ where: { id: job.id }, data: { status: "RUNNING", leaseExpiresAt: new Date(expiresAt) } });
      await sub.wait(0); // a due poll may have fired while it was still QUEUED
      expect(await sub.wait(DUE_POLL_MS * 3 + 1500)).toBe(true);
      expect(Date.now()).toBeGreaterThanOrEqual(expiresAt);

      expect(await idleWoken).toBe(false);
    } finally {
      sub.close();
      idleSub.close();
    }
  });
});
