// What a host's driver can do and its limits, reported by the agent with every heartbeat and
// stored by the server in Host.facts.capabilities. The control plane reads them to refuse (or
// hide) an action a host could not apply, before a job is queued — in the spirit of Nomad's
// driver Capabilities — instead of letting the job fail on the host.
import { z } from "zod";
import type { JobType } from "./jobs";

export const driverLimits = z.object({
  /** Longest jail name the host accepts (characters). */
  maxJailNameLength: z.number().int().positive(),
  /** Longest hostname a jail can carry (characters). */
  maxHostnameLength: z.number().int().positive(),
  /** Most jails this host can hold whatever its disk and memory (e.g. pf's anchor limit); null: no such limit known. */
  maxJails: z.number().int().positive().nullable(),
  /** Highest CPU limit a plan may set, in percent of one CPU (100 × CPUs); null: unknown. */
  maxCpuPercent: z.number().int().positive().nullable(),
});

export const driverCapabilities = z.object({
  /** SNAPSHOT jobs (FreeBSD: ZFS snapshots). */
  snapshots: z.boolean(),
  /** The plan's disk quota is a hard limit; false: disk is only measured and billed as overage. */
  diskQuota: z.boolean(),
  memoryLimit: z.boolean(),
  processLimit: z.boolean(),
  cpuLimit: z.boolean(),
  /** Jails get their private address (false: no network at all). */
  network: z.boolean(),
  /** The public address is NATed to the jail (reachable from outside). */
  publicIpv4: z.boolean(),
  ipv6: z.boolean(),
  /** The tenant cannot change the hostname the panel shows. */
  hostnameLockdown: z.boolean(),
  rootPassword: z.boolean(),
  sshKeys: z.boolean(),
  /** MIGRATE_OUT / MIGRATE_IN jobs. */
  migration: z.boolean(),
  limits: driverLimits,
});
export type DriverCapabilities = z.infer<typeof driverCapabilities>;

/** The capability a job type needs, for the job types that are not always available. */
export const JOB_CAPABILITY: Partial<Record<JobType, keyof Omit<DriverCapabilities, "limits">>> = {
  SNAPSHOT: "snapshots",
  SET_PASSWORD: "rootPassword",
  SET_SSH_KEYS: "sshKeys",
  MIGRATE_OUT: "migration",
  MIGRATE_IN: "migration",
};

/**
 * The capabilities stored in a host's `facts` JSON (Host.facts.capabilities), or null when the
 * host has not reported any (an agent older than capabilities, or never heard from). Never
 * throws: a malformed value reads as null, i.e. "unknown".
 */
export function hostCapabilities(facts: unknown): DriverCapabilities | null {
  if (!facts || typeof facts !== "object") return null;
  const parsed = driverCapabilities.safeParse((facts as { capabilities?: unknown }).capabilities);
  return parsed.success ? parsed.data : null;
}
