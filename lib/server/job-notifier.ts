// Wakes long-polling agents. One LISTEN connection per web process receives the NOTIFY that
// the Job trigger sends (payload: host id) when a job is queued, and resolves the waiters of
// that host at once. If the connection drops, waiters fall back to their timeout and the
// listener reconnects.
//
// Work that no NOTIFY announces — a retry whose backoff ended, a lease that expired, a job its
// jail's earlier job or its dependency held back — is found by one query every DUE_POLL_MS on
// the same connection, for all the hosts waiting in this process at once, and only the hosts
// that have such work are woken. (Each waiting request used to re-run the lease transaction
// every 2 s itself: with 500 agents long-polling that was 250 lease transactions a second,
// more than two cores could serve, for no work at all — bench/fleet.)
import "server-only";
import { EventEmitter } from "node:events";
import pg from "pg";
import { databaseConfig } from "@/lib/config/server";

const CHANNEL = "cellblock_jobs";

/** How often the waiting hosts are checked for work no NOTIFY announces, in ms. */
export const DUE_POLL_MS = 2000;

class JobNotifier {
  private emitter = new EventEmitter();
  private client: pg.Client | null = null;
  private connecting: Promise<void> | null = null;
  private duePoll: NodeJS.Timeout | null = null;
  private polling = false;

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  private connect(): Promise<void> {
    if (this.client) return Promise.resolve();
    this.connecting ??= (async () => {
      const client = new pg.Client({ connectionString: databaseConfig().DATABASE_URL });
      client.on("notification", (msg) => {
        if (msg.channel === CHANNEL && msg.payload) this.emitter.emit(msg.payload);
      });
      client.on("error", (err) => {
        console.warn(`[jobs] notification connection lost: ${err.message}`);
        this.client = null;
        void client.end().catch(() => {});
      });
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      this.client = client;
      this.duePoll ??= setInterval(() => void this.pollDue(), DUE_POLL_MS).unref();
    })().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  /**
   * True while this process listens: waiters are then woken by a NOTIFY or the due poll, and
   * need not re-check on their own (they should while it is false).
   */
  get live(): boolean {
    return this.client !== null;
  }

  /** Wakes the waiting hosts that have a job due now (QUEUED and due, or RUNNING with an expired lease). */
  private async pollDue() {
    const client = this.client;
    const hosts = this.emitter.eventNames().filter((n): n is string => typeof n === "string");
    if (!client || this.polling || hosts.length === 0) return;
    this.polling = true;
    try {
      // Columns are timestamp(3) holding UTC; the clock is this process's, as leaseJobs's.
      const { rows } = await client.query<{ hostId: string }>(
        `SELECT DISTINCT "hostId" FROM "Job"
         WHERE "hostId" = ANY($1::text[])
           AND (("status" = 'QUEUED' AND "runAfter" <= ($2::timestamptz AT TIME ZONE 'UTC'))
             OR ("status" = 'RUNNING' AND "leaseExpiresAt" < ($2::timestamptz AT TIME ZONE 'UTC')))`,
        [hosts, new Date().toISOString()],
      );
      for (const r of rows) this.emitter.emit(r.hostId);
    } catch (err) {
      console.warn(`[jobs] due-job poll failed: ${(err as Error).message}`);
    } finally {
      this.polling = false;
    }
  }

  /**
   * Subscribes to the host's channel *before* the caller looks for work, so a job queued
   * between "looked, found nothing" and "started waiting" still wakes it (no lost wake-up).
   */
  async subscribe(hostId: string): Promise<{ wait(ms: number, signal?: AbortSignal): Promise<boolean>; close(): void }> {
    try {
      await this.connect();
    } catch (err) {
      console.warn(`[jobs] cannot LISTEN (${(err as Error).message}); falling back to polling`);
    }
    let fired = false;
    let wake: (() => void) | null = null;
    const onJob = () => {
      fired = true;
      wake?.();
    };
    this.emitter.on(hostId, onJob);
    return {
      wait: (ms, signal) =>
        new Promise<boolean>((resolve) => {
          if (fired || signal?.aborted) {
            const was = fired;
            fired = false;
            return resolve(was);
          }
          const done = (woken: boolean) => {
            clearTimeout(timer);
            wake = null;
            signal?.removeEventListener("abort", onAbort);
            fired = false;
            resolve(woken);
          };
          const onAbort = () => done(false);
          const timer = setTimeout(() => done(false), ms);
          wake = () => done(true);
          signal?.addEventListener("abort", onAbort);
        }),
      close: () => {
        this.emitter.off(hostId, onJob);
      },
    };
  }
}

const globalForNotifier = globalThis as unknown as { cellblockJobNotifier?: JobNotifier };
export const jobNotifier = (globalForNotifier.cellblockJobNotifier ??= new JobNotifier());
