// A running job's progress reports (POST /api/agent/jobs/:id/progress). Each report renews the
// job's lease, so a long build or unpack is not handed to a second attempt while the first still
// works on it: reports go out when the driver says something new (at most one a second) and, with
// nothing new, at least every 30 % of the lease, whatever the job is doing. A 409 means the lease
// was handed on already: the job's signal is aborted, its commands are killed (exec.ts), and its
// result is not reported (the server would refuse it). When the lease is handed on to this same
// agent (it missed its renewals, e.g. the control plane was away, and leased the job again), the
// running execution adopts the new attempt (adopt()) instead of a second one starting.
import type { JobContext, ProgressReport } from "./drivers/driver";
import { ApiError, type AgentApi } from "./api-client";
import { JOB_OUTPUT_MAX_CHARS } from "@/lib/schemas/agent";

const MIN_INTERVAL_MS = 1000;
/** Renew at this fraction of the lease: two reports may be lost before it runs out. */
const RENEW_FRACTION = 0.3;

export class JobProgress {
  private readonly controller = new AbortController();
  private latest: ProgressReport = {};
  private dirty = false;
  private sending = false;
  private lastSentAt: number;
  private renewEveryMs: number;
  private timer: NodeJS.Timeout | null = null;
  private failing = false;

  constructor(
    private readonly api: Pick<AgentApi, "progress">,
    private job: { id: string; attempt: number; leaseExpiresAt: string },
    private readonly log: (line: string) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.lastSentAt = now();
    this.renewEveryMs = renewInterval(job.leaseExpiresAt, now());
  }

  /** What the driver gets: report() and the signal. */
  context(): JobContext {
    return { progress: (r) => this.report(r), signal: this.controller.signal };
  }

  /** The attempt this execution reports as: the one it was started with, or the one it adopted. */
  get attempt(): number {
    return this.job.attempt;
  }

  /**
   * This agent leased the job again while running it: carry on as the new attempt (reports and
   * the result go out under it), rather than run the job a second time.
   */
  adopt(lease: { attempt: number; leaseExpiresAt: string }): void {
    this.job = { ...this.job, attempt: lease.attempt, leaseExpiresAt: lease.leaseExpiresAt };
    this.renewEveryMs = renewInterval(lease.leaseExpiresAt, this.now());
    this.dirty = true; // renew under the new attempt at the next tick
  }

  get aborted(): boolean {
    return this.controller.signal.aborted;
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), Math.min(MIN_INTERVAL_MS, this.renewEveryMs));
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  report(r: ProgressReport): void {
    const next = {
      ...this.latest,
      ...(r.percent !== undefined ? { percent: Math.max(0, Math.min(100, Math.round(r.percent))) } : {}),
      ...(r.message !== undefined ? { message: r.message.slice(0, 200) } : {}),
      ...(r.output !== undefined ? { output: r.output.slice(-JOB_OUTPUT_MAX_CHARS) } : {}),
    };
    if (JSON.stringify(next) !== JSON.stringify(this.latest)) {
      this.latest = next;
      this.dirty = true;
    }
  }

  /** Sends a report when there is news (and a second has passed) or the lease needs renewing. */
  async tick(): Promise<void> {
    if (this.sending || this.aborted) return;
    const since = this.now() - this.lastSentAt;
    if (!(this.dirty && since >= MIN_INTERVAL_MS) && since < this.renewEveryMs) return;
    this.sending = true;
    this.dirty = false;
    const attempt = this.job.attempt;
    try {
      const res = await this.api.progress(this.job.id, { attempt, ...this.latest });
      this.lastSentAt = this.now();
      this.renewEveryMs = renewInterval(res.leaseExpiresAt, this.lastSentAt);
      if (this.failing) this.log(`job ${this.job.id}: progress reports get through again`);
      this.failing = false;
    } catch (err) {
      if (err instanceof ApiError && err.status === 409 && attempt !== this.job.attempt) {
        // Refused for the attempt this execution has since left (adopt): not a reason to stop.
        this.dirty = true;
      } else if (err instanceof ApiError && err.status === 409) {
        this.log(`job ${this.job.id}: ${err.message} Stopping this attempt.`);
        this.controller.abort();
      } else if (!this.failing) {
        // The control plane may be down for a moment; keep trying at the next tick.
        this.failing = true;
        this.log(`job ${this.job.id}: progress report failed (${(err as Error).message}); retrying`);
      }
    } finally {
      this.sending = false;
    }
  }
}

/** 30 % of what is left of the lease, between 1 s and 60 s. */
export function renewInterval(leaseExpiresAt: string, now: number): number {
  const left = new Date(leaseExpiresAt).getTime() - now;
  return Math.max(MIN_INTERVAL_MS, Math.min(60_000, Number.isFinite(left) ? left * RENEW_FRACTION : MIN_INTERVAL_MS));
}
