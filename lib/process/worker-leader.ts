// One leader among the control-plane workers. Every copy of scripts/worker.ts asks each tick;
// only the copy holding a PostgreSQL session-level advisory lock runs the periodic tasks, the
// others stand by. The lock lives on a connection of its own (never a pooled one, where a
// session lock would stay with whichever request borrowed the connection next): while that
// connection is open the lock is held, and when it drops — the leader exits, is SIGKILLed, its
// host or the network dies, Postgres restarts — the server releases it, and the next copy to ask
// takes over. A leader re-checks its connection every tick, so a leader whose connection broke
// learns it has lost the lead before it runs another tick.
import pg from "pg";

/** The advisory lock key every worker contends for (int8: `hashtext` of a fixed name). */
export const WORKER_LEADER_LOCK = "cellblock-worker-leader";

export type LeaderState = "leading" | "standing-by";

export class WorkerLeader {
  private client: pg.Client | null = null;
  private holding = false;

  /**
   * `databaseUrl`: the database to hold the lock in. `lockName`: what the key is hashed from
   * (tests use their own). `log` receives one line on every change of leadership.
   */
  constructor(private readonly opts: { databaseUrl: string; lockName?: string; log?: (line: string) => void }) {}

  /**
   * Asks for (or re-confirms) the lead; call once per tick. Returns "leading" when this copy
   * holds the lock on a connection that answered just now, "standing-by" otherwise — another
   * copy holds it, or the database cannot be reached (never throws: a worker that cannot reach
   * the database runs nothing, which is what standing by means).
   */
  async check(): Promise<LeaderState> {
    const before = this.holding;
    try {
      const client = await this.connection();
      if (this.holding) {
        await client.query("SELECT 1");
      } else {
        const { rows } = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock(hashtext($1)) AS ok", [this.lockName]);
        this.holding = rows[0]?.ok === true;
      }
    } catch (err) {
      this.drop(`the lock's connection failed (${(err as Error).message})`);
    }
    // Losing the lead is logged where it is noticed (drop).
    if (this.holding && !before) this.opts.log?.("leading: this worker runs the periodic tasks");
    return this.holding ? "leading" : "standing-by";
  }

  /** Whether the last check found this copy leading (and its connection has not failed since). */
  get leading(): boolean {
    return this.holding;
  }

  /** Gives up the lead (closes the connection, which releases the lock). Safe to call twice. */
  async release(): Promise<void> {
    const c = this.client;
    this.client = null;
    this.holding = false;
    await c?.end().catch(() => {});
  }

  private get lockName() {
    return this.opts.lockName ?? WORKER_LEADER_LOCK;
  }

  private async connection(): Promise<pg.Client> {
    if (this.client) return this.client;
    const client = new pg.Client({
      connectionString: this.opts.databaseUrl,
      application_name: "cellblock-worker-leader",
      // A half-open TCP connection (the database host vanished) must not look held forever.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      connectionTimeoutMillis: 10_000,
    });
    // A connection that fails between ticks (the server terminated it, Postgres restarted): the
    // lock went with it. Without this listener pg would throw the error out of the process.
    client.on("error", (err) => this.drop(`the lock's connection failed (${err.message})`, client));
    client.on("end", () => this.drop("the lock's connection closed", client));
    this.client = client;
    try {
      await client.connect();
    } catch (err) {
      this.client = null;
      throw err;
    }
    return client;
  }

  private drop(why: string, which: pg.Client | null = this.client) {
    if (which !== this.client || !which) return;
    this.client = null;
    if (this.holding) this.opts.log?.(`lost the lead: ${why}`);
    this.holding = false;
    void which.end().catch(() => {});
  }
}
