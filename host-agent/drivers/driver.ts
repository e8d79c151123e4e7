// The one interface that hides the operating system (in the spirit of Nomad's task drivers).
// Every operation is idempotent: create of an existing jail adopts it, destroy of a missing one
// succeeds, start of a running one is a no-op. Operations a driver cannot do throw
// UnsupportedError; a jail that should exist and does not throws NotFoundError.
import type { JailLimits, JailSpec } from "@/lib/schemas/jobs";

export class NotFoundError extends Error {
  constructor(name: string) {
    super(`jail ${name} does not exist on this host`);
    this.name = "NotFoundError";
  }
}

export class UnsupportedError extends Error {
  constructor(driver: string, op: string) {
    super(`the ${driver} driver does not support ${op}`);
    this.name = "UnsupportedError";
  }
}

export type JailInfo = { name: string; jid: number | null; running: boolean; hostname?: string | null };

export type JailUsage = {
  name: string;
  diskBytes: number;
  memoryBytes: number;
  /** Cumulative CPU time used, in seconds (the agent turns it into a percentage). */
  cpuSeconds: number;
  processes: number;
  /** Cumulative interface / firewall counters (the agent turns them into deltas). */
  netRxBytes: number;
  netTxBytes: number;
};

export type ProcessInfo = { pid: number; command: string; cpuPercent: number; nice: number };

export type Fingerprint = {
  driver: "lxc" | "freebsd";
  ready: boolean;
  /** Why the host cannot run jails, in words for the admin console. */
  reason?: string;
  facts: Record<string, string | number | boolean | null>;
};

export type CreateResult = { jid: number | null; running: boolean; sshHostKeyFingerprint: string | null; adopted: boolean };

export interface Driver {
  readonly name: "lxc" | "freebsd";
  /** What this host is and whether it can run jails at all. */
  fingerprint(): Promise<Fingerprint>;
  /** Builds the jail from its template (or adopts an existing one of that name), applies limits, keys, and starts it if asked. */
  create(spec: JailSpec, opts: { sshKeys: string[]; start: boolean }): Promise<CreateResult>;
  start(name: string): Promise<JailInfo>;
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
  /** Sets root's password from a SHA-512 crypt hash, passed on stdin. */
  setRootPasswordHash(name: string, passwordHash: string): Promise<void>;
  setAuthorizedKeys(name: string, keys: string[]): Promise<void>;
  usage(names: string[]): Promise<JailUsage[]>;
  processes(name: string): Promise<ProcessInfo[]>;
  renice(name: string, pid: number, nice: number): Promise<void>;
  snapshot(name: string, snapshot: string): Promise<void>;
}
