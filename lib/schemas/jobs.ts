// The contract between the panel and the host agent: what each job type carries and what it
// reports back. The panel validates a payload before queueing it; the agent validates it again
// before running anything, and validates nothing it has not parsed with these schemas.
import { z } from "zod";
import { fqdn, ipv4, jailName } from "./net";

export const JOB_TYPES = [
  "CREATE",
  "START",
  "STOP",
  "RESTART",
  "REINSTALL",
  "DESTROY",
  "SET_LIMITS",
  "SET_PASSWORD",
  "SET_SSH_KEYS",
  "SNAPSHOT",
  "MIGRATE_OUT",
  "MIGRATE_IN",
] as const;
export type JobType = (typeof JOB_TYPES)[number];

export const jailLimits = z.object({
  memoryMb: z.number().int().positive().max(1_048_576),
  maxProcesses: z.number().int().positive().max(100_000),
  cpuPercent: z.number().int().positive().max(6400),
  diskQuotaMb: z.number().int().positive().max(100_000_000),
});
export type JailLimits = z.infer<typeof jailLimits>;

export const jailTemplate = z.object({
  slug: z.string().regex(/^[a-z0-9-]{1,60}$/),
  lxcTemplate: z.string().regex(/^[a-z0-9._-]{1,60}$/),
  zfsSnapshot: z
    .string()
    .regex(/^[A-Za-z0-9._/-]+@[A-Za-z0-9._-]+$/)
    .nullable(),
  tarballPath: z
    .string()
    .regex(/^\/[A-Za-z0-9._/-]+$/)
    .nullable(),
});

export const jailNetwork = z.object({
  privateIp: ipv4,
  privatePrefix: z.number().int().min(8).max(30),
  privateGateway: ipv4,
  publicIp: ipv4.nullable(),
});

/** Everything needed to build a jail from nothing; CREATE and REINSTALL carry it. */
export const jailSpec = z.object({
  name: jailName,
  hostname: fqdn,
  template: jailTemplate,
  limits: jailLimits,
  network: jailNetwork,
});
export type JailSpec = z.infer<typeof jailSpec>;

/** One OpenSSH authorized_keys line, already validated by lib/domain/ssh-keys. */
export const authorizedKey = z
  .string()
  .regex(/^(ssh-ed25519|ssh-rsa) [A-Za-z0-9+/]+=*( [^\n\r]{0,200})?$/)
  .max(16_384);

const byName = z.object({ name: jailName });

export const jobPayloads = {
  CREATE: z.object({ jail: jailSpec, sshKeys: z.array(authorizedKey).max(50), start: z.boolean() }),
  START: byName,
  STOP: byName,
  RESTART: byName,
  REINSTALL: z.object({ jail: jailSpec, sshKeys: z.array(authorizedKey).max(50), start: z.boolean() }),
  DESTROY: byName,
  SET_LIMITS: z.object({ name: jailName, limits: jailLimits }),
  // A SHA-512 crypt(3) hash ("$6$salt$hash"), never the password. Removed from the job row
  // when the job ends.
  SET_PASSWORD: z.object({ name: jailName, passwordHash: z.string().regex(/^\$6\$[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{86}$/) }),
  SET_SSH_KEYS: z.object({ name: jailName, keys: z.array(authorizedKey).max(50) }),
  SNAPSHOT: z.object({ name: jailName, snapshot: z.string().regex(/^[a-z0-9-]{1,40}$/) }),
  MIGRATE_OUT: z.object({ name: jailName, targetHost: fqdn }),
  MIGRATE_IN: z.object({ jail: jailSpec, sourceHost: fqdn }),
} satisfies Record<JobType, z.ZodType>;

export type JobPayload<T extends JobType> = z.infer<(typeof jobPayloads)[T]>;

const typed = <T extends JobType>(type: T) => z.object({ type: z.literal(type), payload: jobPayloads[type] });

/**
 * A job's type and payload checked together, as a union discriminated on `type`: after parsing,
 * `switch (job.type)` narrows `job.payload` to that type's shape with no cast.
 */
export const typedJob = z.discriminatedUnion("type", [
  typed("CREATE"),
  typed("START"),
  typed("STOP"),
  typed("RESTART"),
  typed("REINSTALL"),
  typed("DESTROY"),
  typed("SET_LIMITS"),
  typed("SET_PASSWORD"),
  typed("SET_SSH_KEYS"),
  typed("SNAPSHOT"),
  typed("MIGRATE_OUT"),
  typed("MIGRATE_IN"),
]);
export type TypedJob = z.infer<typeof typedJob>;
// Every job type is in the union: a type missing above fails to compile here.
export const _everyJobTypeTyped: [JobType] extends [TypedJob["type"]] ? true : never = true;

/** Payload fields that are secret: stripped from the row once the job ends, never logged. */
export const SECRET_PAYLOAD_FIELDS: Partial<Record<JobType, string[]>> = { SET_PASSWORD: ["passwordHash"] };

/** What the agent reports when a job succeeds. */
export const jobResult = z.object({
  jid: z.number().int().nullable().optional(),
  running: z.boolean().optional(),
  sshHostKeyFingerprint: z.string().max(200).nullable().optional(),
  destroyed: z.boolean().optional(),
  note: z.string().max(2000).optional(),
});
export type JobResult = z.infer<typeof jobResult>;
