import { db } from "@/lib/db";
import { settleExpiredLeases } from "./end-job";

/**
 * Nothing stays RUNNING forever: a job whose lease ran out (its agent died or its host went
 * silent) goes back to the queue for its host, or ends FAILED when its attempts are used up,
 * its jail converging either way — in one transaction. The lease endpoint settles its own
 * host's leases when the agent asks; this sweep (the worker, every tick) covers hosts that
 * never ask again.
 * @returns how many jobs failed and how many went back to the queue.
 */
export async function sweepExpiredLeases({ now = new Date() }: { now?: Date } = {}) {
  return db.$transaction((tx) => settleExpiredLeases(tx, { now, requeue: true }));
}
