// The agent's main loop: heartbeat, lease, execute, report; usage and hog checks on their own
// timers. The control plane may vanish at any moment: results, usage and hog events go to the
// on-disk spool first and are delivered when it answers again; nothing is lost or doubled.
//
// After a restart of the agent or of the host, the first heartbeat the control plane accepts
// triggers one recovery (Driver.recover) of the jails the agent last knew should run, before any
// job is leased. Waiting for that heartbeat keeps a host the admin has fenced (whose agent the
// control plane no longer accepts) from starting jails that were restored elsewhere.
import os from "node:os";
import type { z } from "zod";
import type { leasedJob } from "@/lib/schemas/agent";
import type { DriverCapabilities } from "@/lib/schemas/capabilities";
import { typedJob } from "@/lib/schemas/jobs";
import { AgentApi, ApiError } from "./api-client";
import type { AgentConfig } from "./config";
import type { Driver } from "./drivers/driver";
import { HogWatch } from "./hog-watch";
import { ConsoleBridge } from "./console";
import { JobProgress } from "./job-progress";
import { AgentMetrics } from "./metrics";
import { runJob, type Completion } from "./run-job";
import { DesiredState } from "./desired-state";
import { Spool, type SpoolItem, type SpoolKind } from "./spool";
import { UsageMeter } from "./usage-meter";
import { ServerClock, systemClockSources } from "./clock";
import { AGENT_VERSION } from "./version";
import { agentEnv } from "@/lib/config/agent";
import { USAGE_DEFAULTS } from "@/lib/config/shared";

type Leased = z.infer<typeof leasedJob>;

/** How often the host is fingerprinted again while the agent runs. */
const FINGERPRINT_EVERY_MS = 60_000;

export class Agent {
  private readonly api: AgentApi;
  private readonly spool: Spool;
  private readonly meter: UsageMeter;
  private readonly hogs: HogWatch;
  private readonly consoles: ConsoleBridge;
  /** Server time, for every stamp the agent sends (clock.ts). */
  private readonly clock: ServerClock;
  /** The host's wall clock minus the server's, ms, from the last heartbeat (null: not measured yet). */
  private clockOffsetMs: number | null = null;
  private stopped = false;
  private running = new Set<Promise<void>>();
  /** Jobs executing now, by id: a job leased again while it runs is adopted, never run twice. */
  private executing = new Map<string, JobProgress>();
  /** Wakes the lease loop when it waits for a free slot (see slotFreed). */
  private wakeLeaseLoop: () => void = () => {};
  private readonly env = agentEnv();
  // Until the first heartbeat answers: the shared defaults, or this agent's own overrides.
  private settings = {
    usageIntervalSeconds: this.env.USAGE_INTERVAL ?? USAGE_DEFAULTS.usageIntervalSeconds,
    hogCpuPercent: this.env.HOG_CPU_PERCENT ?? USAGE_DEFAULTS.hogCpuPercent,
    hogSeconds: this.env.HOG_SECONDS ?? USAGE_DEFAULTS.hogSeconds,
  };
  /** Its own floor (AGENT_HEARTBEAT_SECONDS), or slower when the control plane asks (fleet size). */
  private heartbeatMs = this.env.AGENT_HEARTBEAT_SECONDS * 1000;
  private readonly maxConcurrent = this.env.AGENT_MAX_JOBS;
  private controlPlaneDown = false;
  private ready = true;
  private reason: string | null = null;
  private facts: Record<string, string | number | boolean | null> = {};
  private capabilities: DriverCapabilities | undefined;
  private readonly desired: DesiredState;
  private recovered = false;
  /** Declared dead by an admin (heartbeat `fenced`): recovery never runs. */
  private fenced = false;
  private fingerprintedAt = 0;

  constructor(
    private readonly config: AgentConfig,
    private readonly driver: Driver,
    private readonly log: (line: string) => void = (l) => console.log(`[agent] ${l}`),
    /** Counted into whether or not they are served (host-agent/metrics.ts). */
    readonly metrics: AgentMetrics = new AgentMetrics(),
  ) {
    this.api = new AgentApi(config.url, config.secret);
    this.spool = new Spool(config.stateDir, log);
    metrics.watchSpool((kind) => this.spool.count(kind));
    this.meter = new UsageMeter(config.stateDir);
    this.hogs = new HogWatch(driver);
    this.consoles = new ConsoleBridge({ url: config.url, secret: config.secret, api: this.api, driver, log });
    // The fault knob shifts this agent's idea of the host's wall clock (a host 10 minutes off).
    this.clock = new ServerClock(config.stateDir, systemClockSources(this.env.CELLBLOCK_FAULT_CLOCK_OFFSET_SECONDS * 1000));
    this.desired = new DesiredState(config.stateDir, log);
  }

  /** Fingerprints the host again, so what the admin sees follows it (pf unloaded, an interface gone). */
  private async refreshFingerprint() {
    const fp = await this.driver.fingerprint();
    if (fp.ready !== this.ready || (fp.reason ?? null) !== this.reason) this.log(`host ${fp.ready ? "ready" : `not ready: ${fp.reason}`}`);
    this.ready = fp.ready;
    this.reason = fp.reason ?? null;
    this.facts = fp.facts;
    this.capabilities = fp.capabilities;
    this.fingerprintedAt = Date.now();
    return fp;
  }

  async run(): Promise<void> {
    const fp = await this.refreshFingerprint();
    this.log(`host ${this.config.hostName} (${this.config.driver}) — ${fp.ready ? "ready" : fp.reason}; control plane ${this.config.url}`);
    await Promise.all([
      this.heartbeatLoop(),
      this.leaseLoop(),
      this.usageLoop(),
      this.hogLoop(),
      this.flushLoop(),
      this.consoles.run(
        () => this.stopped,
        (ms) => this.sleep(ms),
      ),
    ]);
  }

  stop() {
    this.stopped = true;
    this.consoles.closeAll();
    this.wakeLeaseLoop();
  }

  private async sleep(ms: number) {
    const until = Date.now() + ms;
    while (!this.stopped && Date.now() < until) await new Promise((r) => setTimeout(r, Math.min(250, until - Date.now())));
  }

  private noteOutage(err: unknown) {
    if (!this.controlPlaneDown) this.log(`control plane unreachable (${(err as Error).message}); spooling and retrying`);
    this.controlPlaneDown = true;
    this.metrics.controlPlaneUp.set(0);
  }

  private noteBack() {
    if (this.controlPlaneDown) this.log("control plane reachable again");
    this.controlPlaneDown = false;
    this.metrics.controlPlaneUp.set(1);
  }

  // ─── heartbeat ───

  private async heartbeatLoop() {
    while (!this.stopped) {
      if (Date.now() - this.fingerprintedAt > FINGERPRINT_EVERY_MS) {
        await this.refreshFingerprint().catch((err) => this.log(`fingerprint failed: ${(err as Error).message}`));
      }
      const accepted = await this.heartbeatOnce().then(
        () => true,
        (err) => {
          this.noteOutage(err);
          return false;
        },
      );
      if (accepted && !this.recovered && this.fenced) {
        this.recovered = true;
        this.log("this host was declared dead and its jails moved: starting none of them (recovery skipped)");
      } else if (accepted && !this.recovered && this.ready) await this.recoverOnce();
      await this.sleep(this.heartbeatMs);
    }
  }

  /** Starts what should run after a restart and restores running jails' limits and rules (Driver.recover). */
  async recoverOnce() {
    try {
      const desired = this.desired.list();
      const r = await this.driver.recover(desired);
      this.recovered = true;
      this.log(
        `recovery: ${r.started.length} started${r.started.length ? ` (${r.started.join(", ")})` : ""}, ${r.converged.length} running jails checked` +
          (r.failed.length ? `; failed: ${r.failed.map((f) => `${f.name}: ${f.error}`).join("; ")}` : ""),
      );
    } catch (err) {
      // Jobs must not wait forever behind a recovery that cannot run; the admin sees the drift.
      this.recovered = true;
      this.log(`recovery failed: ${(err as Error).message}`);
    }
  }

  async heartbeatOnce() {
    const inventory = this.ready ? await this.driver.list().catch(() => null) : null;
    const sentMono = this.clock.monotonic();
    const res = await this.api.heartbeat({
      agentVersion: AGENT_VERSION,
      driver: this.config.driver,
      loadAverage: os.loadavg()[0] ?? 0,
      ready: this.ready,
      reason: clip(this.reason),
      facts: Object.fromEntries(
        Object.entries({
          ...this.facts,
          spooled: this.spool.count("usage") + this.spool.count("results"),
          // How far the host's clock is off the server's (positive: fast); stamps use server time.
          ...(this.clockOffsetMs === null ? {} : { clockOffsetSeconds: Math.round(this.clockOffsetMs / 100) / 10 }),
        }).map(([k, v]) => [k, clip(v)]),
      ),
      capabilities: this.capabilities,
      inventory: inventory?.map((i) => ({ name: i.name, jid: i.jid, initPid: i.initPid ?? null, running: i.running })) ?? null,
    });
    const offset = this.clock.observe(res.serverTime, sentMono, this.clock.monotonic());
    if (this.clockOffsetMs === null || Math.abs(offset - this.clockOffsetMs) > 5000)
      this.log(
        `host clock ${Math.abs(offset / 1000).toFixed(1)} s ${offset >= 0 ? "ahead of" : "behind"} the control plane; samples are stamped in its time`,
      );
    this.clockOffsetMs = offset;
    this.noteBack();
    this.fenced = res.fenced;
    const heartbeatMs = Math.max(this.env.AGENT_HEARTBEAT_SECONDS, res.heartbeatIntervalSeconds ?? 0) * 1000;
    if (heartbeatMs !== this.heartbeatMs) this.log(`heartbeat every ${heartbeatMs / 1000} s (the control plane's pace for its fleet)`);
    this.heartbeatMs = heartbeatMs;
    this.settings = {
      usageIntervalSeconds: this.env.USAGE_INTERVAL ?? res.usageIntervalSeconds,
      hogCpuPercent: this.env.HOG_CPU_PERCENT ?? res.hogCpuPercent,
      hogSeconds: this.env.HOG_SECONDS ?? res.hogSeconds,
    };
  }

  // ─── jobs ───

  private async leaseLoop() {
    let backoff = 1000;
    while (!this.stopped) {
      const free = this.maxConcurrent - this.running.size;
      // Every slot busy: wait for one to free, then lease at once. (A fixed sleep here made a
      // job queued while both slots were busy wait up to that sleep after one had freed: the
      // 200 ms tail of bench/dispatch.)
      if (free <= 0) {
        await this.slotFreed();
        continue;
      }
      // Jobs wait for the recovery, so that neither undoes what the other just did.
      if (!this.ready || !this.recovered) {
        await this.sleep(200);
        continue;
      }
      try {
        const { jobs } = await this.api.lease(this.running.size ? 1 : 25, free);
        this.noteBack();
        backoff = 1000;
        for (const job of jobs) {
          const already = this.executing.get(job.id);
          if (already) {
            this.log(
              `job ${job.id} ${job.type} leased again (attempt ${job.attempt}) while attempt ${already.attempt} runs here: carrying on as attempt ${job.attempt}`,
            );
            already.adopt(job);
            continue;
          }
          // Registered until the result is reported, not only while the driver works on it.
          const progress = new JobProgress(this.api, job, this.log);
          this.executing.set(job.id, progress);
          const p = this.execute(job, progress).finally(() => {
            this.running.delete(p);
            this.executing.delete(job.id);
            this.wakeLeaseLoop();
          });
          this.running.add(p);
        }
      } catch (err) {
        this.noteOutage(err);
        await this.sleep(backoff);
        backoff = Math.min(30_000, backoff * 2);
      }
    }
    await Promise.allSettled([...this.running]);
  }

  /**
   * Resolves as soon as a running job has ended (reported or spooled) or the agent stops — no
   * timer, so the lease loop asks for the next job the moment it can run one.
   */
  private slotFreed(): Promise<void> {
    return new Promise((resolve) => {
      this.wakeLeaseLoop = resolve;
      if (this.stopped || this.running.size < this.maxConcurrent) resolve();
    });
  }

  private async execute(job: Leased, progress: JobProgress) {
    const started = Date.now();
    const subject = describe(job);
    this.log(`job ${job.id} ${job.type} ${subject} (attempt ${job.attempt}) started`);
    progress.start();
    this.metrics.jobsRunning.inc();
    let completion: Completion;
    try {
      completion = await runJob(this.driver, job, progress.context());
    } finally {
      progress.stop();
      this.metrics.jobsRunning.dec();
    }
    this.metrics.jobDuration.observe({ type: job.type }, (Date.now() - started) / 1000);
    this.metrics.jobs.inc({ type: job.type, outcome: progress.aborted ? "HANDED_ON" : completion.status });
    if (progress.aborted) {
      this.log(`job ${job.id} ${job.type} ${subject}: its lease was handed to another attempt; this one stopped and reports nothing`);
      return;
    }
    if (completion.status === "SUCCEEDED") {
      const parsed = typedJob.safeParse({ type: job.type, payload: job.payload });
      if (parsed.success) this.desired.record(parsed.data);
      // Usage from the first minute: a jail that now runs is measured at once, not at the next interval.
      if (completion.result.running && parsed.success && this.ready) {
        const p = parsed.data.payload;
        void this.sampleNow(["jail" in p ? p.jail.name : "name" in p ? p.name : ""].filter(Boolean));
      }
    }
    const took = ((Date.now() - started) / 1000).toFixed(1);
    this.log(
      `job ${job.id} ${job.type} ${subject} ${completion.status === "SUCCEEDED" ? "succeeded" : `failed: ${completion.error}`} (${took} s)`,
    );
    // The attempt that holds the lease (the one started with, or one adopted since): the server
    // refuses a result from an attempt whose lease was handed on.
    await this.report(job.id, { ...completion, attempt: progress.attempt });
  }

  private async report(jobId: string, completion: Completion) {
    // Spool first, then send: if the agent dies between the two, the result is still on disk.
    const file = this.spool.put("results", { jobId, completion }, `${Date.now()}-${jobId}`);
    try {
      await this.api.complete(jobId, completion);
      this.spool.remove(file);
    } catch (err) {
      if (err instanceof ApiError && err.permanent) {
        this.log(`result of job ${jobId} refused (${err.status}: ${err.message}); dropped`);
        this.spool.remove(file);
      } else {
        this.noteOutage(err);
      }
    }
  }

  // ─── usage and hogs ───

  private async usageLoop() {
    // The first round right away: an agent that (re)starts measures at once.
    let first = true;
    while (!this.stopped) {
      if (!first) await this.sleep(this.settings.usageIntervalSeconds * 1000);
      first = false;
      // No stamp before the server's time is known (clock.ts): the counters keep what happens meanwhile.
      if (this.stopped || !this.ready || !this.clock.synced) continue;
      try {
        await this.sampleNow((await this.driver.list()).map((j) => j.name));
      } catch (err) {
        this.log(`usage collection failed: ${(err as Error).message}`);
      }
    }
  }

  /** Measures the named jails now and spools the samples for delivery. */
  async sampleNow(names: string[]) {
    if (names.length === 0 || !this.clock.synced) return;
    try {
      const endPoll = this.metrics.usagePollDuration.startTimer();
      const usage = await this.driver.usage(names);
      endPoll();
      const samples = this.meter.sample(usage, this.clock.now());
      if (samples.length) {
        // Sampling never waits for delivery: a slow or absent control plane must not
        // leave holes in the measurements.
        this.spool.put("usage", { samples });
        void this.flush("usage");
      }
    } catch (err) {
      this.log(`usage collection failed: ${(err as Error).message}`);
    }
  }

  private async hogLoop() {
    while (!this.stopped) {
      await this.sleep(Math.min(30, Math.max(1, this.settings.usageIntervalSeconds)) * 1000);
      if (this.stopped || !this.ready) continue;
      try {
        const running = (await this.driver.list()).filter((j) => j.running).map((j) => j.name);
        const events = await this.hogs.check(
          running,
          { cpuPercent: this.settings.hogCpuPercent, seconds: this.settings.hogSeconds },
          this.clock.nowMs(),
        );
        for (const e of events) this.log(`hog in ${e.jail}: pid ${e.pid} (${e.command}) at ${e.cpuPercent} % — ${e.action}`);
        if (events.length) {
          this.spool.put("hogs", { events });
          void this.flush("hogs");
        }
      } catch (err) {
        this.log(`hog check failed: ${(err as Error).message}`);
      }
    }
  }

  // ─── spool delivery ───

  private async flushLoop() {
    while (!this.stopped) {
      await this.sleep(2000);
      for (const kind of ["results", "usage", "hogs"] as const) await this.flush(kind);
    }
  }

  private flushing = new Set<SpoolKind>();

  /** Delivery of one spooled item, by kind; each endpoint is idempotent (see spool.ts). */
  private readonly deliver: { [K in SpoolKind]: (item: SpoolItem<K>) => Promise<unknown> } = {
    results: ({ jobId, completion }) => this.api.complete(jobId, completion),
    usage: (item) => this.api.usage(item),
    hogs: (item) => this.api.hogs(item),
  };

  /** Sends the spooled items of one kind in order, stopping at the first the server does not answer. */
  async flush<K extends SpoolKind>(kind: K) {
    if (this.flushing.has(kind)) return;
    this.flushing.add(kind);
    try {
      const send = this.deliver[kind] as (item: SpoolItem<K>) => Promise<unknown>;
      for (const { file, item } of this.spool.list(kind)) {
        try {
          await send(item);
          this.spool.remove(file);
          this.noteBack();
        } catch (err) {
          if (err instanceof ApiError && err.permanent) {
            this.log(`spooled ${kind} item refused (${err.status}: ${err.message}); dropped`);
            this.spool.remove(file);
            continue;
          }
          this.noteOutage(err);
          return; // keep order; try again on the next round
        }
      }
    } finally {
      this.flushing.delete(kind);
    }
  }
}

/**
 * A string cut to the heartbeat schema's 500 characters (lib/schemas/agent.ts): a long reason or
 * fact must shorten the message, not get the whole heartbeat refused and the host shown offline.
 */
function clip<T>(value: T): T {
  return (typeof value === "string" && value.length > 500 ? `${value.slice(0, 497)}...` : value) as T;
}

/** The jail a job is about, for the log line ("" if its payload does not parse: runJob says why). */
function describe(job: Leased): string {
  const parsed = typedJob.safeParse({ type: job.type, payload: job.payload });
  if (!parsed.success) return "";
  const p = parsed.data.payload;
  return "jail" in p ? p.jail.name : "template" in p ? `template ${p.template.slug}` : p.name;
}
