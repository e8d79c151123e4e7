// Wakes long-polling agents. One LISTEN connection per web process receives the NOTIFY that
// the Job trigger sends (payload: host id) when a job is queued, and resolves the waiters of
// that host at once. If the connection drops, waiters fall back to their timeout and the
// listener reconnects.
import "server-only";
import { EventEmitter } from "node:events";
import pg from "pg";

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
      const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
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

  /** Resolves true when a job is queued for the host, false after `ms` or on abort. */
  async waitForHost(hostId: string, ms: number, signal?: AbortSignal): Promise<boolean> {
    try {
      await this.connect();
    } catch (err) {
      console.warn(`[jobs] cannot LISTEN (${(err as Error).message}); falling back to polling`);
    }
    return new Promise((resolve) => {
      const done = (woken: boolean) => {
        clearTimeout(timer);
        this.emitter.off(hostId, onJob);
        signal?.removeEventListener("abort", onAbort);
        resolve(woken);
      };
      const onJob = () => done(true);
      const onAbort = () => done(false);
      const timer = setTimeout(() => done(false), ms);
      this.emitter.on(hostId, onJob);
      signal?.addEventListener("abort", onAbort);
    });
  }
}

const globalForNotifier = globalThis as unknown as { cellblockJobNotifier?: JobNotifier };
export const jobNotifier = (globalForNotifier.cellblockJobNotifier ??= new JobNotifier());
