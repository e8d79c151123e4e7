// The one interface that hides the operating system (in the spirit of Nomad's task drivers).
// Every operation is idempotent: create of an existing jail adopts it, destroy of a missing one
// succeeds, start of a running one is a no-op. The errors say what kind of failure it is, so the
// agent knows whether trying again can help:
//   - NotFoundError: the jail should exist and does not (not retryable);
//   - UnsupportedError: this driver or host cannot do it at all (not retryable);
//   - PreconditionError: the jail is not in a state that allows it, e.g. it must be running
//     (not retryable: the same job would fail the same way until someone changes the state);
//   - anything else (a command that failed or timed out): retryable.
import type { DriverCapabilities } from "@/lib/schemas/capabilities";
import type { JailLimits, JailSpec, JailTemplate } from "@/lib/schemas/jobs";
import type { BackupResult, BackupTarget } from "./restic";

export type { BackupResult, BackupTarget };

export type { DriverCapabilities };

/** A jail that should exist does not. */
export class NotFoundError extends Error {
  constructor(name: string) {
    super(`jail ${name} does not exist on this host`);
    this.name = "NotFoundError";
  }
}

/** The driver, or this host's configuration of it, cannot do the operation at all. */
export class UnsupportedError extends Error {
  constructor(driver: string, op: string) {
    super(`the ${driver} driver does not support ${op}`);
    this.name = "UnsupportedError";
  }
}

/**
 * The jail exists but is not in a state that allows the operation ("the jail must be running to
 * set the root password"). The message is for the customer, in words; retrying the same job
 * cannot help until the state changes.
 */
export class PreconditionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PreconditionError";
  }
}

/** A process the caller named is not (or no longer) running in the jail: not the jail missing. */
export class ProcessNotFoundError extends PreconditionError {
  constructor(
    readonly jail: string,
    readonly pid: number,
  ) {
    super(`process ${pid} is not running in jail ${jail}`);
    this.name = "ProcessNotFoundError";
  }
}

/**
 * A jail as its host sees it. `jid` is the FreeBSD jail id (jls(8)); a Linux container has none.
 * `initPid` is the host pid of a container's init (lxc-info(1)); a FreeBSD jail has no init.
 */
export type JailInfo = { name: string; jid: number | null; initPid?: number | null; running: boolean; hostname?: string | null };

export type JailUsage = {
  name: string;
  /** What the disk quota limits, in bytes. */
  diskBytes: number;
  /** Resident memory of the jail's processes, in bytes. */
  memoryBytes: number;
  /** Cumulative CPU time used, in seconds (the agent turns it into a percentage). */
  cpuSeconds: number;
  processes: number;
  /** Cumulative interface / firewall counters, in bytes (the agent turns them into deltas). */
  netRxBytes: number;
  netTxBytes: number;
  /**
   * Counter epochs: a value that changes whenever the counter behind it started again from zero
   * (the jail restarted: a new racct or cgroup; the firewall rules or the veth were reloaded).
   * The agent counts a counter whose epoch changed from zero, however the new value compares
   * with the old one, so a reset is never missed and never counted twice.
   */
  epochs: { cpu: string; net: string };
};

/** What the host should run, from the agent's record of the jobs it completed. */
export type DesiredJail = { name: string; running: boolean };

/** What recover() did, for the agent's log. */
export type RecoveryReport = {
  /** Jails that should run and were started. */
  started: string[];
  /** Running jails whose limits and firewall rules were checked (and restored where missing). */
  converged: string[];
  failed: Array<{ name: string; error: string }>;
};

export type ProcessInfo = { pid: number; command: string; cpuPercent: number; nice: number };

export type Fingerprint = {
  driver: "lxc" | "freebsd";
  ready: boolean;
  /** Why the host cannot run jails, in words for the admin console. */
  reason?: string;
  facts: Record<string, string | number | boolean | null>;
  /** What this host's driver can do and its limits (sent with every heartbeat). */
  capabilities: DriverCapabilities;
};

export type CreateResult = {
  jid: number | null;
  initPid?: number | null;
  running: boolean;
  sshHostKeyFingerprint: string | null;
  adopted: boolean;
  /** Root's password was set in the new root from the job's hash. */
  rootPasswordSet?: boolean;
};

/** How far a long step got, for the job's progress report (which also renews its lease). */
export type ProgressReport = { percent?: number; message?: string; output?: string };

/**
 * What a running job gives the driver: a way to say how far it got, and a signal that is
 * aborted when the job's lease was handed to another attempt (the driver should stop: its
 * commands are killed through the runner).
 */
export type JobContext = { progress: (report: ProgressReport) => void; signal?: AbortSignal };

/** For callers with no job around them (tests, benches): progress goes nowhere. */
export const NO_JOB: JobContext = { progress: () => {} };

export type CreateOptions = {
  sshKeys: string[];
  start: boolean;
  /** Root's password for the new root, a SHA-512 crypt hash (never the password). */
  rootPasswordHash?: string | null;
  job?: JobContext;
};

/** What BUILD_TEMPLATE made (or found in the host's cache). */
export type TemplateBuildResult = { bytes: number; cached: boolean };

export interface Driver {
  readonly name: "lxc" | "freebsd";
  /** What this host is, whether it can run jails at all, and what its driver can do. */
  fingerprint(): Promise<Fingerprint>;
  /** Builds the jail from its template (or adopts an existing one of that name), applies limits, keys, and starts it if asked. */
  create(spec: JailSpec, opts: CreateOptions): Promise<CreateResult>;
  /**
   * Builds the template's root into the host's cache (once per template version), or finds it
   * there. Absent on drivers whose templates are prepared by the admin (ZFS snapshots, tarballs).
   */
  buildTemplate?(template: JailTemplate, job?: JobContext): Promise<TemplateBuildResult>;
  /** Throws NotFoundError for a jail that does not exist; a running jail is left as it is. */
  start(name: string): Promise<JailInfo>;
  /** Throws NotFoundError for a jail that does not exist; a stopped jail is left as it is. */
  stop(name: string): Promise<JailInfo>;
  restart(name: string): Promise<JailInfo>;
  /** Removes the jail and its data. Succeeds if it is already gone. */
  destroy(name: string): Promise<void>;
  /** The jail as the host sees it, or null. */
  inspect(name: string): Promise<JailInfo | null>;
  /** Every Cellblock jail on this host (names starting "cb"). */
  list(): Promise<JailInfo[]>;
  /** Replaces the jail's limits: exactly one rule per resource afterwards. */
  setLimits(name: string, limits: JailLimits): Promise<void>;
  /** Sets root's password from a SHA-512 crypt hash, passed on stdin. PreconditionError unless running. */
  setRootPasswordHash(name: string, passwordHash: string): Promise<void>;
  /** Replaces root's authorized_keys. PreconditionError unless running. */
  setAuthorizedKeys(name: string, keys: string[]): Promise<void>;
  /**
   * The argv of a root login shell inside the running jail, for the browser console
   * (host-agent/console.ts runs it on a pty, with no environment but TERM and PATH). Checks the
   * jail first: NotFoundError when missing, PreconditionError when not running.
   */
  consoleArgv(name: string): Promise<string[]>;
  /** Usage of the named jails that exist; a jail gone since it was listed is left out. */
  usage(names: string[]): Promise<JailUsage[]>;
  /** The jail's processes ([] when stopped); NotFoundError for a missing jail. */
  processes(name: string): Promise<ProcessInfo[]>;
  /** Sets a process's nice value (-20..20); ProcessNotFoundError if the pid is not in this jail. */
  renice(name: string, pid: number, nice: number): Promise<void>;
  snapshot(name: string, snapshot: string): Promise<void>;
  /**
   * Backs the jail's root file system up into `target` with restic, from a consistent copy
   * (each driver says how), tagged so that a retry finds the snapshot its first attempt made.
   * NotFoundError for a missing jail.
   */
  backup(name: string, target: BackupTarget, opts: { backupId: string; job?: JobContext }): Promise<BackupResult>;
  /**
   * Replaces the jail's root file system with restic snapshot `snapshotId`, in place: the jail is
   * stopped, its root restored (nothing of the old root is left), and started again if `start`.
   */
  restore(name: string, target: BackupTarget, opts: { snapshotId: string; start: boolean; job?: JobContext }): Promise<JailInfo>;
  /**
   * Brings the host back to what it should run after the agent or the host restarted (Nomad's
   * RecoverTask): starts each `desired` jail that should run and does not, and restores the
   * limits and firewall rules of every running jail (a reboot leaves none in the kernel). Never
   * creates a jail that does not exist and never stops one; one jail failing does not stop the others.
   */
  recover(desired: DesiredJail[]): Promise<RecoveryReport>;
}

/**
 * The jail `name` as `inspect` sees it, for a step that needs it to exist (and, with `runningTo`,
 * to be running: the words say what for, e.g. "list its processes").
 * @throws NotFoundError when there is no such jail; PreconditionError when it must run and does not.
 */
export async function requireJail(driver: Pick<Driver, "inspect">, name: string, opts: { runningTo?: string } = {}): Promise<JailInfo> {
  const info = await driver.inspect(name);
  if (!info) throw new NotFoundError(name);
  if (opts.runningTo && !info.running)
    throw new PreconditionError(`The jail must be running to ${opts.runningTo}. Start it and try again.`);
  return info;
}
