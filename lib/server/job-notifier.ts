// Wakes long-polling agents. One LISTEN connection per web process receives the NOTIFY that
// the Job trigger sends (payload: host id) when a job is queued, and resolves the waiters of
// that host at once. If the connection drops, waiters fall back to their timeout and the
// listener reconnects.
import "server-only";
import { EventEmitter } from "node:events";
import pg from "pg";
import { databaseConfig } from "@/lib/config/server";

const CHANNEL = "cellblock_jobs";

class JobNotifier {
  private emitter = new EventEmitter();
  private client: pg.Client | null = null;
  private connecting: Promise<void> | null = null;

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
    })().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
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
