// The contract between the panel and the host agent: what each job type carries and what it
// reports back. The panel validates a payload before queueing it; the agent validates it again
// before running anything, and validates nothing it has not parsed with these schemas.
import { z } from "zod";
import { fqdn, ipv4, ipv6, jailName } from "./net";

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
  "BUILD_TEMPLATE",
  "BACKUP",
  "RESTORE",
] as const;
export type JobType = (typeof JOB_TYPES)[number];

export const jailLimits = z.object({
  memoryMb: z.number().int().positive().max(1_048_576),
  maxProcesses: z.number().int().positive().max(100_000),
  cpuPercent: z.number().int().positive().max(6400),
  diskQuotaMb: z.number().int().positive().max(100_000_000),
});
export type JailLimits = z.infer<typeof jailLimits>;

/**
 * How the lxc driver makes a template's root file system: an LXC template script run by
 * lxc-create (busybox, for fast tests), or a real OS built with mmdebstrap from the host's own
 * apt sources, cached per host and version and unpacked per jail (the seed's "skeletons").
 */
export const lxcRootfs = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("lxc-template"), name: z.string().regex(/^[a-z0-9._-]{1,60}$/) }),
  z.object({
    kind: z.literal("mmdebstrap"),
    /** Debian suite, e.g. "bookworm". */
    suite: z.string().regex(/^[a-z][a-z0-9-]{1,30}$/),
    variant: z.enum(["minbase", "apt", "important", "standard"]).default("minbase"),
    /** Extra packages, Debian package names. */
    packages: z
      .array(z.string().regex(/^[a-z0-9][a-z0-9+.-]{0,100}$/))
      .max(200)
      .default([]),
  }),
]);
export type LxcRootfs = z.infer<typeof lxcRootfs>;

export const jailTemplate = z.object({
  slug: z.string().regex(/^[a-z0-9-]{1,60}$/),
  /** Bumped whenever the template's recipe changes: hosts build and cache each version once. */
  version: z.number().int().min(1).max(1_000_000).default(1),
  lxcTemplate: z.string().regex(/^[a-z0-9._-]{1,60}$/),
  /** How the lxc driver builds the root; absent in old payloads → `lxc-create -t lxcTemplate`. */
  lxcRootfs: lxcRootfs.nullable().default(null),
  zfsSnapshot: z
    .string()
    .regex(/^[A-Za-z0-9._/-]+@[A-Za-z0-9._-]+$/)
    .nullable(),
  tarballPath: z
    .string()
    .regex(/^\/[A-Za-z0-9._/-]+$/)
    .nullable(),
});

export type JailTemplate = z.infer<typeof jailTemplate>;

export const jailNetwork = z.object({
  privateIp: ipv4,
  privatePrefix: z.number().int().min(8).max(30),
  privateGateway: ipv4,
  publicIp: ipv4.nullable(),
  /** The jail's global IPv6 address (one per jail, out of its host's prefix); absent in old payloads. */
  ipv6: ipv6.nullable().default(null),
  /** Prefix length of the host's IPv6 prefix (64 for a /64). */
  ipv6PrefixLength: z.number().int().min(48).max(128).nullable().default(null),
  /** The host's own address in that prefix, the jail's IPv6 gateway. */
  ipv6Gateway: ipv6.nullable().default(null),
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

/** A SHA-512 crypt(3) hash ("$6$salt$hash"), never the password. Removed from the job row when the job ends. */
export const passwordHash = z.string().regex(/^\$6\$[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{86}$/);

const buildJail = z.object({
  jail: jailSpec,
  sshKeys: z.array(authorizedKey).max(50),
  start: z.boolean(),
  /** Root's password for the new root, when the customer set one with the reinstall (or order). */
  rootPasswordHash: passwordHash.nullable().default(null),
});

/** A restic snapshot id, in full (64 hex digits, as `restic snapshots --json` gives it). */
export const resticSnapshotId = z.string().regex(/^[0-9a-f]{64}$/, "expected a restic snapshot id (64 hex digits)");

/**
 * A jail's restic repository on a REST server, without credentials: `rest:http(s)://host:port/<host user>/<jail id>/`.
 * The host user is the first path segment, which is what `--private-repos` confines it to.
 */
export const resticRepositoryUrl = z
  .string()
  .max(500)
  .regex(
    /^rest:https?:\/\/[A-Za-z0-9.:[\]-]+(\/[A-Za-z0-9._-]+)*\/[a-z0-9]{1,64}\/[a-z0-9]{1,64}\/$/,
    "expected rest:http(s)://host:port/<user>/<repository>/",
  );

/**
 * The secrets a BACKUP, RESTORE or MIGRATE_* carries: the jail's own user on the backup server and its
 * password (HTTP basic), and the repository's encryption password. Generated by the control
 * plane; removed from the job row when the job ends (SECRET_PAYLOAD_FIELDS), never logged.
 */
const backupSecrets = z.object({
  httpPassword: z.string().regex(/^[A-Za-z0-9_-]{32,128}$/),
  repositoryPassword: z.string().regex(/^[A-Za-z0-9_-]{32,128}$/),
});

/** The Backup row's id, which tags the snapshot on the host (restic --tag). */
const backupId = z.string().regex(/^[a-z0-9]{1,40}$/);

const backupTarget = {
  name: jailName,
  repository: resticRepositoryUrl,
  /** The jail's user on the backup server (htpasswd), the first path segment of `repository`. */
  username: z.string().regex(/^[a-z0-9]{1,64}$/),
  secrets: z.union([backupSecrets, z.literal("[removed]")]),
};

export const jobPayloads = {
  CREATE: buildJail,
  START: byName,
  STOP: byName,
  RESTART: byName,
  REINSTALL: buildJail,
  DESTROY: byName,
  SET_LIMITS: z.object({ name: jailName, limits: jailLimits }),
  SET_PASSWORD: z.object({ name: jailName, passwordHash }),
  SET_SSH_KEYS: z.object({ name: jailName, keys: z.array(authorizedKey).max(50) }),
  SNAPSHOT: z.object({ name: jailName, snapshot: z.string().regex(/^[a-z0-9-]{1,40}$/) }),
  /** A move's final copy on the source: stop the jail (for good there), back it up. */
  MIGRATE_OUT: z.object({ ...backupTarget, backupId }),
  /**
   * A moved or evacuated jail on its target: made (addresses of this host, not started), its
   * root replaced by the snapshot from its repository, started if `start`.
   */
  MIGRATE_IN: z.object({
    jail: jailSpec,
    sshKeys: z.array(authorizedKey).max(50).default([]),
    repository: backupTarget.repository,
    username: backupTarget.username,
    secrets: backupTarget.secrets,
    snapshotId: resticSnapshotId,
    start: z.boolean(),
  }),
  /** Builds (or finds cached) a template's root on the host, ahead of the jails that need it. */
  BUILD_TEMPLATE: z.object({ template: jailTemplate }),
  /** Backs the jail's root up into its restic repository (initialised on first use). */
  BACKUP: z.object({ ...backupTarget, backupId }),
  /** Restores a snapshot over the jail's root in place: stop, restore, start if `start`. */
  RESTORE: z.object({ ...backupTarget, snapshotId: resticSnapshotId, start: z.boolean() }),
} satisfies Record<JobType, z.ZodType>;

/** A job's payload as a caller writes it (fields with defaults may be left out). */
export type JobPayload<T extends JobType> = z.input<(typeof jobPayloads)[T]>;
/** A job's payload as it reaches the agent: parsed, defaults filled in. */
export type ParsedJobPayload<T extends JobType> = z.output<(typeof jobPayloads)[T]>;

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
  typed("BUILD_TEMPLATE"),
  typed("BACKUP"),
  typed("RESTORE"),
]);
export type TypedJob = z.infer<typeof typedJob>;
// Every job type is in the union: a type missing above fails to compile here.
export const _everyJobTypeTyped: [JobType] extends [TypedJob["type"]] ? true : never = true;

/**
 * Payload fields that are secret, and what replaces each once the job ends: "[removed]" where the
 * job can never run again (a password job is refused a retry), null where the field is optional,
 * so an administrator's retry of a build runs without it rather than failing validation.
 */
export const SECRET_PAYLOAD_FIELDS: Partial<Record<JobType, Record<string, "[removed]" | null>>> = {
  SET_PASSWORD: { passwordHash: "[removed]" },
  CREATE: { rootPasswordHash: null },
  REINSTALL: { rootPasswordHash: null },
  BACKUP: { secrets: "[removed]" },
  RESTORE: { secrets: "[removed]" },
  MIGRATE_OUT: { secrets: "[removed]" },
  MIGRATE_IN: { secrets: "[removed]" },
};

/** What the agent reports when a job succeeds. */
export const jobResult = z.object({
  /** FreeBSD: the jail id (jls(8)). */
  jid: z.number().int().nullable().optional(),
  /** Linux: the host pid of the container's init (lxc-info(1)). */
  initPid: z.number().int().nullable().optional(),
  running: z.boolean().optional(),
  sshHostKeyFingerprint: z.string().max(200).nullable().optional(),
  destroyed: z.boolean().optional(),
  /** CREATE / REINSTALL: root's password was set from the payload's hash. */
  rootPasswordSet: z.boolean().optional(),
  /** BUILD_TEMPLATE: size of the cached root, in bytes. */
  templateBytes: z.number().int().min(0).optional(),
  /** BACKUP: the snapshot restic made and its sizes, in bytes. */
  backup: z
    .object({
      snapshotId: resticSnapshotId,
      /** Bytes of the jail's files in the snapshot (restic's total_bytes_processed). */
      sizeBytes: z.number().int().min(0),
      /** Bytes the snapshot added to the repository after deduplication (restic's data_added). */
      addedBytes: z.number().int().min(0),
    })
    .optional(),
  /** RESTORE: the snapshot the jail's root now holds. */
  restoredSnapshotId: resticSnapshotId.optional(),
  note: z.string().max(2000).optional(),
});
export type JobResult = z.infer<typeof jobResult>;
