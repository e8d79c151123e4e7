// The host-agent API: request and response bodies, shared by the route handlers and the agent.
import { z } from "zod";
import { jailName } from "./net";
import { driverCapabilities } from "./capabilities";
import { JOB_TYPES, jobResult } from "./jobs";

/** The most of a command's output (its tail) an agent sends and a job row keeps: enough for a human, bounded for the row. */
export const JOB_OUTPUT_MAX_CHARS = 8000;

export const AGENT_BODY_LIMIT = 64 * 1024;
export const AGENT_USAGE_BODY_LIMIT = 2 * 1024 * 1024;

export const enrollRequest = z.object({
  token: z.string().min(20).max(200),
  agentVersion: z.string().max(40),
  driver: z.enum(["lxc", "freebsd"]),
});
export const enrollResponse = z.object({ hostId: z.string(), hostName: z.string(), secret: z.string() });

export const inventoryItem = z.object({
  name: z.string().max(64),
  jid: z.number().int().nullable(),
  initPid: z.number().int().nullable().optional(),
  running: z.boolean(),
});

export const heartbeatRequest = z.object({
  agentVersion: z.string().max(40),
  driver: z.enum(["lxc", "freebsd"]),
  loadAverage: z.number().min(0).max(100_000),
  ready: z.boolean(),
  reason: z.string().max(500).nullable(),
  facts: z.record(z.string().max(64), z.union([z.string().max(500), z.number(), z.boolean(), z.null()])),
  // What the host's driver can do and its limits; stored as facts.capabilities. Optional so that
  // an agent older than capabilities still heartbeats (its host's capabilities are then unknown).
  capabilities: driverCapabilities.optional(),
  // null when the inventory could not be read this time (the driver failed): no drift then.
  inventory: z.array(inventoryItem).max(10_000).nullable(),
});
export const heartbeatResponse = z.object({
  serverTime: z.string(),
  /**
   * Seconds until the next heartbeat the control plane asks for, from the fleet's size
   * (lib/domain/hosts/heartbeat-interval.ts); the agent beats no faster than its own setting.
   * Absent from an older control plane.
   */
  heartbeatIntervalSeconds: z.number().int().positive().optional(),
  usageIntervalSeconds: z.number(),
  hogCpuPercent: z.number(),
  hogSeconds: z.number(),
  /**
   * The host was declared dead and its jails restored elsewhere: the agent starts nothing it
   * had (no recovery) and runs only the DESTROY jobs an admin confirmed.
   */
  fenced: z.boolean().default(false),
});

export const leaseRequest = z.object({
  /** Long-poll: how long the server may hold the request when there is no job, in seconds. */
  waitSeconds: z.number().min(0).max(30).default(25),
  max: z.number().int().min(1).max(20).default(4),
  /** Optional, for clarity in logs; a host may only ever name itself (403 otherwise). */
  hostId: z.string().max(64).optional(),
});
export const leasedJob = z.object({
  id: z.string(),
  type: z.enum(JOB_TYPES),
  jailId: z.string().nullable(),
  payload: z.unknown(),
  attempt: z.number().int(),
  leaseExpiresAt: z.string(),
});
export const leaseResponse = z.object({ jobs: z.array(leasedJob) });

/**
 * The attempt a report comes from (the lease's `attempt`). A lease belongs to one attempt: a
 * report from an attempt whose lease was handed on is refused (409), as graphile-worker checks
 * `locked_by`. Optional so that an agent older than this field is still heard.
 */
const reportingAttempt = z.number().int().min(1).optional();

export const completeRequest = z.discriminatedUnion("status", [
  z.object({
    status: z.literal("SUCCEEDED"),
    attempt: reportingAttempt,
    result: jobResult,
    output: z.string().max(JOB_OUTPUT_MAX_CHARS).optional(),
  }),
  z.object({
    status: z.literal("FAILED"),
    attempt: reportingAttempt,
    error: z.string().min(1).max(2000),
    output: z.string().max(JOB_OUTPUT_MAX_CHARS).optional(),
    /** false: running it again cannot help (bad payload, unsupported) — fail at once. */
    retryable: z.boolean(),
  }),
]);

export const usageSample = z.object({
  jail: jailName,
  sampledAt: z.iso.datetime(),
  diskBytes: z.number().int().min(0),
  memoryBytes: z.number().int().min(0),
  cpuPercent: z.number().min(0).max(100_000),
  processes: z.number().int().min(0),
  netRxBytes: z.number().int().min(0),
  netTxBytes: z.number().int().min(0),
});
export const usageRequest = z.object({ samples: z.array(usageSample).max(10_000) });

export const hogEvent = z.object({
  key: z.string().min(1).max(200),
  jail: jailName,
  pid: z.number().int().positive(),
  command: z.string().max(200),
  cpuPercent: z.number().min(0),
  action: z.string().max(200),
  detectedAt: z.iso.datetime(),
});
export const hogsRequest = z.object({ events: z.array(hogEvent).max(1000) });

/**
 * A running job's report of how far it got (a template build, an unpack). Every report also
 * renews the job's lease, so a long job is not handed to another attempt while it still runs.
 * `attempt` is the attempt number the lease was given with: a report from an attempt whose lease
 * was handed on is refused (409), and that attempt should stop.
 */
export const jobProgressRequest = z.object({
  attempt: z.number().int().min(1),
  percent: z.number().int().min(0).max(100).optional(),
  message: z.string().max(200).optional(),
  /** The tail of the command output so far. */
  output: z.string().max(JOB_OUTPUT_MAX_CHARS).optional(),
});
export const jobProgressResponse = z.object({ leaseExpiresAt: z.string() });
