// bench/fleet knobs (environment variables) and the goals each figure is held against.
import os from "node:os";

const int = (name: string, fallback: number, min = 0) => {
  const raw = process.env[name];
  const n = raw === undefined || raw === "" ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer ≥ ${min} (got ${raw})`);
  return n;
};

/** The run's shape. Defaults are the fleet: 500 hosts × 200 jails. */
export type FleetConfig = {
  hosts: number;
  jailsPerHost: number;
  /** Jails per generated account (a customer with several jails). */
  jailsPerAccount: number;
  /** The seeded customer's jails, whose pages are fetched. */
  customerJails: number;
  /** Days of DAY rollups for every jail (the schema keeps them for good). */
  rollupDays: number;
  /** Days of HOUR rollups for the customer's jails (USAGE_HOURLY_RETENTION_DAYS is 90). */
  hourlyDays: number;
  /** Usage batches per host in the ingest phase (one sample per jail each, as a real agent sends). */
  ingestRounds: number;
  /** Usage batches in flight at once during the ingest phase (all client processes together). */
  ingestConcurrency: number;
  /** Length of the steady-fleet phase (heartbeats, leases, usage), in seconds. */
  fleetSeconds: number;
  heartbeatSeconds: number;
  usageIntervalSeconds: number;
  /** Jobs queued per second during the steady phase, for the lease latency. */
  jobsPerSecond: number;
  /** How long a simulated agent "works" on a job before it reports, in ms. */
  jobWorkMs: number;
  /** Client processes the simulated hosts are spread over. */
  clientProcesses: number;
  /** Fetches of each page (after 2 warm-ups). */
  pageRounds: number;
  /** The web process's database pool (DB_POOL_MAX). */
  dbPoolMax: number;
};

export function readConfig(): FleetConfig {
  const hosts = int("BENCH_HOSTS", 500, 1);
  const jailsPerHost = int("BENCH_JAILS_PER_HOST", 200, 1);
  if (jailsPerHost > 250) throw new Error("BENCH_JAILS_PER_HOST is at most 250 (each host has a /24 for its jails' addresses)");
  return {
    hosts,
    jailsPerHost,
    jailsPerAccount: int("BENCH_JAILS_PER_ACCOUNT", 5, 1),
    customerJails: Math.min(int("BENCH_CUSTOMER_JAILS", 20, 1), hosts * jailsPerHost),
    rollupDays: int("BENCH_ROLLUP_DAYS", 365),
    hourlyDays: int("BENCH_HOURLY_DAYS", 90),
    ingestRounds: int("BENCH_INGEST_ROUNDS", 5, 1),
    ingestConcurrency: int("BENCH_INGEST_CONCURRENCY", 16, 1),
    fleetSeconds: int("BENCH_FLEET_SECONDS", 60, 5),
    heartbeatSeconds: int("BENCH_HEARTBEAT_SECONDS", 5, 1),
    usageIntervalSeconds: int("BENCH_USAGE_INTERVAL", 300, 10),
    jobsPerSecond: int("BENCH_JOBS_PER_SECOND", 5, 1),
    jobWorkMs: int("BENCH_JOB_WORK_MS", 200),
    clientProcesses: int("BENCH_CLIENTS", 2, 1),
    pageRounds: int("BENCH_PAGE_ROUNDS", 20, 1),
    dbPoolMax: int("BENCH_DB_POOL_MAX", 10, 1),
  };
}

/** The goals from the issue. */
export const GOALS = {
  ingestSamplesPerSecond: 20_000,
  ingestFractionOfCopy: 0.3,
  leaseP95Ms: 1000,
  pageP95Ms: 150,
};

/** Sorted-sample quantiles of `values` (ms or any unit): n, p50, p95, max. */
export function quantiles(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  const q = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))]! : NaN);
  return { n: s.length, p50: q(0.5), p95: q(0.95), max: s.length ? s[s.length - 1]! : NaN };
}

/** "met" / "NOT met": benches print, never fail, on timing. */
export const verdict = (ok: boolean) => (ok ? "met" : "NOT met");

/** One line naming the machine: cores, CPU model, load average now and the date (UTC). */
export function machineLine(): string {
  const cpus = os.cpus();
  const load = os.loadavg().map((l) => l.toFixed(2));
  return `machine: ${cpus.length} cores, ${cpus[0]?.model ?? "unknown CPU"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB; load average ${load.join(" ")}; ${new Date().toISOString()}`;
}

/** A duration for the report; Infinity (a job never leased) reads "never", NaN "n/a". */
export const fmtMs = (ms: number) =>
  Number.isFinite(ms) ? `${ms.toFixed(ms < 10 ? 1 : 0)} ms` : ms === Infinity ? "never (not leased)" : "n/a";
