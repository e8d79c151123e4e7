// The REST API's shapes (/api/v1), in zod: what each route accepts, built from the same field
// schemas the portal's and consoles' forms use (lib/schemas/jails.ts, backups.ts, billing.ts),
// and what each answers. The route table (lib/api/v1/routes.ts) parses requests with these and
// passes every answer through its response schema, which drops anything not listed here (a
// host's facts, a jail's raw errors); the OpenAPI document is generated from the same objects.
import { z } from "zod";
import { id, listCursor } from "./common";
import { addSshKeySchema, changePlanSchema, confirmedJailSchema, orderJailSchema, rootPassword } from "./jails";
import { backupId } from "./backups";
import { recordPaymentSchema, suspendSchema } from "./billing";
import { JOB_TYPES } from "./jobs";

// ─── common pieces ───

/** A time in UTC, as JSON carries it (RFC 3339, e.g. "2026-11-30T23:24:31.000Z"). */
const time = z.iso.datetime().describe("UTC, RFC 3339");
const nullableTime = time.nullable();
const JAIL_STATES = ["QUEUED", "PROVISIONING", "RUNNING", "STOPPED", "FAILED", "DESTROYING", "DESTROYED"] as const;
const JOB_STATUSES = ["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"] as const;
const pageQuery = z.coerce.number().int().min(1).max(100_000).default(1).describe("1-based page number");

// ─── path parameters ───

export const jailParams = z.object({ jailId: id });
export const sshKeyParams = z.object({ jailId: id, keyId: id });
export const backupParams = z.object({ jailId: id, backupId });
export const invoiceParams = z.object({ invoiceId: id });
export const hostParams = z.object({ hostId: id });
export const jobParams = z.object({ jobId: id });
export const accountParams = z.object({ accountId: id });

// ─── request bodies and queries (customer) ───

export const pageQuerySchema = z.object({ page: pageQuery });

/** Order: the plan and template (slugs, see GET /plans and GET /templates) and the hostname. Replays are made safe by Idempotency-Key. */
export const orderJailBody = orderJailSchema.omit({ orderKey: true });
export const changePlanBody = changePlanSchema.omit({ jailId: true });
export const rootPasswordBody = z.object({ password: rootPassword });
export const addSshKeyBody = addSshKeySchema.omit({ jailId: true });
/** Reinstall destroys the jail's data: its hostname confirms it. A root password for the new root is optional. */
export const reinstallBody = z.object({
  confirmHostname: confirmedJailSchema.shape.confirmHostname,
  rootPassword: rootPassword.nullable().default(null),
});
/** Cancelling destroys the jail: its hostname confirms it. */
export const cancelBody = confirmedJailSchema.omit({ jailId: true });
/** Restoring replaces the jail's files: its hostname confirms it. */
export const restoreBody = confirmedJailSchema.omit({ jailId: true });

// ─── request bodies and queries (staff) ───

export const jobsQuery = z.object({
  hostId: id.optional(),
  status: z.enum(JOB_STATUSES).optional(),
  type: z.enum(JOB_TYPES).optional(),
  after: listCursor.describe("cursor: the page after this one (the `older` of a page)"),
  before: listCursor.describe("cursor: the page before this one (the `newer` of a page)"),
});
export const accountsQuery = z.object({
  filter: z.enum(["all", "flagged", "suspended"]).default("all"),
  page: pageQuery,
});
export const suspendBody = suspendSchema.omit({ accountId: true });
/** A payment against an issued invoice; `amount` is a decimal string ("12.50"), as on the console's form. */
export const recordPaymentBody = recordPaymentSchema.omit({ invoiceId: true });

// ─── responses ───

const capability = z.object({ allowed: z.boolean(), reason: z.string().optional() });

export const jailSummary = z.object({
  id: z.string(),
  hostname: z.string(),
  state: z.enum(JAIL_STATES),
  desiredState: z.enum(["RUNNING", "STOPPED", "DESTROYED"]),
  createdAt: time,
  plan: z.object({ name: z.string() }),
  publicIp: z.string().nullable(),
  /** What the jail is doing now, in words ("Starting"), or null. */
  inProgress: z.string().nullable(),
});
export const jailList = z.object({
  page: z.number().int(),
  pageSize: z.number().int(),
  total: z.number().int(),
  jails: z.array(jailSummary),
});

export const sshKey = z.object({
  id: z.string(),
  label: z.string(),
  type: z.string(),
  bits: z.number().int(),
  fingerprint: z.string(),
  createdAt: time,
});

export const jail = z.object({
  id: z.string(),
  hostname: z.string(),
  state: z.enum(JAIL_STATES),
  desiredState: z.enum(["RUNNING", "STOPPED", "DESTROYED"]),
  createdAt: time,
  cancelledAt: nullableTime,
  destroyedAt: nullableTime,
  rootPasswordSetAt: nullableTime,
  sshHostKeyFingerprint: z.string().nullable(),
  plan: z.object({ slug: z.string(), name: z.string() }),
  template: z.object({ slug: z.string(), name: z.string() }),
  host: z.object({ name: z.string(), fqdn: z.string() }),
  publicIp: z.string().nullable(),
  privateIp: z.string().nullable(),
  ipv6: z.string().nullable(),
  accountStatus: z.enum(["ACTIVE", "SUSPENDED", "CLOSED"]),
  /** Why the jail is FAILED, in words. */
  failureText: z.string().nullable(),
  openJobs: z.array(
    z.object({ id: z.string(), type: z.enum(JOB_TYPES), status: z.enum(JOB_STATUSES), createdAt: time, label: z.string() }),
  ),
  sshKeys: z.array(sshKey),
  /** What may be done to the jail now, each with the reason when not. */
  capabilities: z.record(z.string(), capability),
});

export const queued = z.object({ jobId: z.string().nullable().describe("the job that makes the host match; poll the jail for its state") });
export const planChanged = queued.extend({ direction: z.enum(["upgrade", "downgrade"]) });
export const sshKeyAdded = queued.extend({ keyId: z.string() });
export const backupQueued = z.object({ backupId: z.string(), jobId: z.string() });

const usagePoint = z.object({ t: time, diskBytes: z.number(), memoryBytes: z.number(), cpuPercent: z.number(), netBytes: z.number() });
export const jailUsage = z.object({
  limits: z.object({
    diskBytes: z.number(),
    memoryBytes: z.number(),
    cpuPercent: z.number(),
    processes: z.number(),
    monthlyTransferBytes: z.number(),
  }),
  current: z
    .object({ sampledAt: time, diskBytes: z.number(), memoryBytes: z.number(), cpuPercent: z.number(), processes: z.number() })
    .nullable(),
  transferThisMonthBytes: z.number(),
  over: z.array(z.enum(["disk", "memory", "transfer"])),
  series24h: z.array(usagePoint).describe("15-minute buckets"),
  series30d: z.array(usagePoint).describe("one point per UTC day"),
});

export const backup = z.object({
  id: z.string(),
  trigger: z.enum(["MANUAL", "SCHEDULED", "MIGRATION"]),
  status: z.enum(["PENDING", "SUCCEEDED", "FAILED"]),
  createdAt: time,
  finishedAt: nullableTime,
  sizeBytes: z.number().nullable(),
  failure: z.string().nullable(),
});
export const backupList = z.object({ backups: z.array(backup) });

export const plan = z.object({
  slug: z.string(),
  name: z.string(),
  description: z.string(),
  priceCents: z.number().int(),
  diskQuotaMb: z.number().int(),
  memoryLimitMb: z.number().int(),
  maxProcesses: z.number().int(),
  cpuPercent: z.number().int(),
  bandwidthGb: z.number().int(),
  overagePricePerGbCents: z.number().int(),
  upcomingPrice: z.object({ priceCents: z.number().int(), effectiveFrom: time }).nullable(),
});
export const planList = z.object({ plans: z.array(plan) });
export const template = z.object({ slug: z.string(), name: z.string(), description: z.string() });
export const templateList = z.object({ templates: z.array(template) });

const invoiceStatus = z.enum(["DRAFT", "ISSUED", "PAID", "VOID"]);
export const invoiceSummary = z.object({
  id: z.string(),
  number: z.string().nullable(),
  periodStart: time,
  status: invoiceStatus,
  totalCents: z.number().int(),
  paidCents: z.number().int(),
  issuedAt: nullableTime,
  dueAt: nullableTime,
});
export const invoiceList = z.object({
  invoices: z.array(invoiceSummary),
  balanceCents: z.number().int(),
  creditCents: z.number().int(),
});
export const invoice = invoiceSummary.extend({
  periodEnd: time,
  taxCents: z.number().int(),
  taxTreatment: z.string(),
  taxRateBp: z.number().int().nullable(),
  taxName: z.string().nullable(),
  paidAt: nullableTime,
  voidedAt: nullableTime,
  lines: z.array(
    z.object({
      id: z.string(),
      kind: z.string(),
      description: z.string(),
      quantity: z.string().describe("decimal"),
      unitCents: z.number().int(),
      amountCents: z.number().int(),
      jailId: z.string().nullable(),
    }),
  ),
  payments: z.array(
    z.object({ id: z.string(), amountCents: z.number().int(), method: z.string(), reference: z.string(), receivedAt: time }),
  ),
});

// staff

const hostHealth = z.enum(["ONLINE", "STALE", "OFFLINE", "NEVER"]).describe("from the last heartbeat; NEVER: none yet");
export const hostSummary = z.object({
  id: z.string(),
  name: z.string(),
  fqdn: z.string(),
  driver: z.enum(["FREEBSD", "LXC"]),
  status: z.enum(["PENDING", "ACTIVE", "DRAINING", "STANDBY", "DISABLED", "DEAD"]),
  capacityJails: z.number().int(),
  lastHeartbeatAt: nullableTime,
  agentVersion: z.string().nullable(),
  loadAverage: z.number().nullable(),
  unavailableReason: z.string().nullable(),
  health: hostHealth,
  jails: z.number().int().describe("live jails on the host"),
  drift: z.number().int().describe("unresolved drift records"),
});
export const hostList = z.object({ total: z.number().int(), hosts: z.array(hostSummary) });
export const hostDetail = z.object({
  host: hostSummary.omit({ health: true, jails: true, drift: true }).extend({ privateNetblock: z.string(), createdAt: time }),
  health: hostHealth,
  liveJails: z.number().int(),
  jails: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      hostname: z.string(),
      state: z.enum(JAIL_STATES),
      createdAt: time,
      account: z.object({ id: z.string(), name: z.string() }),
      plan: z.object({ name: z.string() }),
    }),
  ),
  recentJobs: z.array(
    z.object({ id: z.string(), type: z.enum(JOB_TYPES), status: z.enum(JOB_STATUSES), createdAt: time, error: z.string().nullable() }),
  ),
});

export const job = z.object({
  id: z.string(),
  type: z.enum(JOB_TYPES),
  status: z.enum(JOB_STATUSES),
  attempts: z.number().int(),
  maxAttempts: z.number().int(),
  createdAt: time,
  finishedAt: nullableTime,
  error: z.string().nullable(),
  host: z.object({ id: z.string(), name: z.string() }),
  jail: z.object({ id: z.string(), hostname: z.string(), name: z.string() }).nullable(),
  requestedBy: z.object({ email: z.string() }).nullable(),
});
export const jobList = z.object({
  jobs: z.array(job),
  newer: z.string().nullable().describe("pass as `before` for the newer page"),
  older: z.string().nullable().describe("pass as `after` for the older page"),
});
export const jobDetail = job.extend({
  startedAt: nullableTime,
  progressPercent: z.number().nullable(),
  progressMessage: z.string().nullable(),
});

export const accountSummary = z.object({
  id: z.string(),
  name: z.string(),
  billingEmail: z.string(),
  status: z.enum(["ACTIVE", "SUSPENDED", "CLOSED"]),
  flaggedForSuspensionAt: nullableTime,
  balanceCents: z.number().int(),
  jails: z.number().int().describe("live jails"),
});
export const accountList = z.object({ accounts: z.array(accountSummary), hasMore: z.boolean() });
export const accountDetail = z.object({
  id: z.string(),
  name: z.string(),
  billingEmail: z.string(),
  status: z.enum(["ACTIVE", "SUSPENDED", "CLOSED"]),
  suspendedAt: nullableTime,
  suspensionReason: z.string().nullable(),
  flaggedForSuspensionAt: nullableTime,
  createdAt: time,
  balanceCents: z.number().int(),
  invoices: z.array(invoiceSummary),
  jails: z.array(
    z.object({
      id: z.string(),
      hostname: z.string(),
      state: z.enum(JAIL_STATES),
      desiredState: z.string(),
      plan: z.object({ name: z.string() }),
    }),
  ),
});
export const suspended = z.object({ stopped: z.number().int().describe("jails stopped by the suspension") });
export const unsuspended = z.object({ started: z.number().int().describe("jails started again") });
export const paymentRecorded = z.object({
  paymentId: z.string(),
  balanceCents: z.number().int(),
  status: z.enum(["ISSUED", "PAID"]),
});
export const jobChanged = z.object({ jobId: z.string(), status: z.enum(JOB_STATUSES) });

/** RFC 9457 problem details: every error the API answers has this shape. */
export const problem = z.object({
  type: z.string().describe("a URI reference naming the kind of problem (see /api-docs#problems)"),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  code: z.string().describe("Cellblock's error code: VALIDATION, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, …"),
  errors: z.record(z.string(), z.array(z.string())).optional().describe("messages per field, for VALIDATION"),
});
