// The control plane's configuration: every variable the web tier, the worker and the domain
// read, in sections, each parsed once (see read-config.ts). `checkServerConfig()` runs at the
// start of the web server and the worker so a bad value stops them with its name, before any
// request.
import { z } from "zod";
import { configSection, intVar } from "./read-config";
import { usageSettingsSchema } from "./shared";

const url = (meaning: string) => z.string().url("expected a URL").describe(meaning);

/** Web tier: where it listens, its public URL, mail. No secrets, so domain code and benches can read it. */
export const webConfig = configSection(
  "web",
  z.object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    APP_URL: url("public base URL of the panel, used in mailed links and the enrolment command").default("http://localhost:3000"),
    SMTP_URL: z.string().optional().describe("smtp://user:pass@host:port; unset keeps mail in the outbox"),
    MAIL_FROM: z.string().default("Cellblock <no-reply@cellblock.local>"),
    TRUST_PROXY_HOPS: intVar(0, 10, 0, "reverse proxies in front of the app that append to X-Forwarded-For"),
    PORT: intVar(1, 65_535, 3000, "port the web server listens on"),
    HOST: z.string().default("0.0.0.0").describe("address the web server listens on"),
  }),
);

/** Sessions and sign-in. */
export const authConfig = configSection(
  "auth",
  z.object({
    NEXTAUTH_SECRET: z.string().min(32, "expected at least 32 characters").describe("signs session cookies"),
    COOKIE_SECURE: z.enum(["true", "false"]).optional().describe("Secure cookies; default on in production over https"),
    LOGIN_MAX_FAILURES_PER_ACCOUNT: intVar(1, 1_000_000, 5, "failed sign-ins per e-mail address per window"),
    LOGIN_MAX_FAILURES_PER_IP: intVar(1, 1_000_000, 20, "failed sign-ins per client address per window"),
    LOGIN_WINDOW_SECONDS: intVar(1, 86_400, 900, "sign-in rate-limit window"),
    PASSWORD_RESET_TTL_MINUTES: intVar(1, 10_080, 60, "lifetime of a mailed password-reset link"),
    PASSWORD_RESET_MAX_PER_ADDRESS: intVar(1, 1000, 3, "password-reset requests per e-mail address per window"),
    PASSWORD_RESET_MAX_PER_IP: intVar(1, 100_000, 10, "password-reset requests per client address per window"),
    PASSWORD_RESET_WINDOW_SECONDS: intVar(60, 86_400, 3600, "password-reset rate-limit window"),
  }),
);

/** The REST API (/api/v1): personal access tokens, rate limits, idempotency keys. */
export const apiConfig = configSection(
  "api",
  z.object({
    API_RATE_LIMIT: intVar(1, 1_000_000, 300, "requests one API token may make per window"),
    API_RATE_WINDOW_SECONDS: intVar(1, 3600, 60, "API rate-limit window"),
    API_TOKEN_MAX_DAYS: intVar(1, 3650, 365, "longest lifetime a new API token may be given"),
    API_IDEMPOTENCY_HOURS: intVar(1, 720, 24, "how long an Idempotency-Key and its first response are kept"),
  }),
);

/**
 * 32 random bytes, as 64 hex digits or 43 base64url characters (what `npm start` generates).
 * @returns the key's bytes, or null when the text is neither.
 */
export function decodeAesKey(text: string): Buffer | null {
  if (/^[0-9a-f]{64}$/i.test(text)) return Buffer.from(text, "hex");
  if (/^[A-Za-z0-9_-]{43}$/.test(text)) {
    const bytes = Buffer.from(text, "base64url");
    return bytes.length === 32 ? bytes : null;
  }
  return null;
}

const aesKey = (meaning: string) =>
  z
    .string()
    .refine((v) => decodeAesKey(v) !== null, "expected 32 random bytes: 64 hex digits or 43 base64url characters")
    .optional()
    .describe(meaning);

/**
 * The keys that seal TOTP secrets in the database (lib/auth/totp-secret-seal.ts). Required in
 * production; `npm start` and `npm test` generate one. To rotate: the new key in
 * TOTP_ENCRYPTION_KEY, the old one in TOTP_ENCRYPTION_KEY_PREVIOUS, until every secret was sealed again.
 */
export const totpKeyConfig = configSection(
  "two-factor",
  z
    .object({
      NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
      TOTP_ENCRYPTION_KEY: aesKey("AES-256-GCM key that seals TOTP secrets in the database"),
      TOTP_ENCRYPTION_KEY_PREVIOUS: aesKey("the key before the last rotation: secrets sealed under it still open, and are sealed again"),
    })
    .superRefine((v, ctx) => {
      if (v.NODE_ENV === "production" && !v.TOTP_ENCRYPTION_KEY)
        ctx.addIssue({ code: "custom", path: ["TOTP_ENCRYPTION_KEY"], message: "required in production" });
    }),
);

/** The master record. */
export const databaseConfig = configSection(
  "database",
  z.object({
    DATABASE_URL: url("PostgreSQL connection string"),
  }),
);

/** Connections per process; apart from DATABASE_URL because scripts make clients for other databases. */
export const databasePoolConfig = configSection("database pool", z.object({ DB_POOL_MAX: intVar(1, 1000, 10, "connections per process") }));

/** The job queue's timing. */
export const jobsConfig = configSection(
  "jobs",
  z.object({
    JOB_LEASE_SECONDS: intVar(1, 86_400, 300, "how long an agent holds a job before it is handed out again"),
    JOB_BACKOFF_SECONDS: intVar(0, 86_400, 5, "first retry delay (doubles each attempt, ±25 % jitter)"),
    JOB_BACKOFF_MAX_SECONDS: intVar(0, 86_400, 300, "longest retry delay"),
  }),
);

/** Host health, and the usage settings sent to agents with each heartbeat. */
export const hostsConfig = configSection(
  "hosts",
  z.object({
    HOST_STALE_AFTER_SECONDS: intVar(1, 86_400, 30, "heartbeat silence before a host shows stale and takes no new jails"),
    HOST_OFFLINE_AFTER_SECONDS: intVar(1, 604_800, 120, "heartbeat silence before a host shows offline"),
    MAX_HEARTBEATS_PER_SECOND: intVar(
      1,
      100_000,
      50,
      "the whole fleet's heartbeat rate: agents are asked to beat every ⌈hosts / this⌉ s (lib/domain/hosts/heartbeat-interval.ts)",
    ),
    ...usageSettingsSchema.shape,
  }),
);

/** Billing and usage retention. */
export const billingConfig = configSection(
  "billing",
  z.object({
    BILLING_GRACE_MONTHS: intVar(0, 12, 1, "length of an overage case's grace period, in months"),
    BILLING_GRACE_EXTRA_DAYS: intVar(0, 365, 0, "extra grace days added to the months"),
    OVERAGE_CONFIRM_HOURS: intVar(1, 72, 3, "hourly rollups that must all agree before a case opens or closes"),
    INVOICE_DUE_DAYS: intVar(0, 120, 14, "days after issue an invoice falls due"),
    BILLING_SUSPEND_AFTER_DAYS_PAST_DUE: intVar(0, 365, 14, "days past due before an account is flagged for suspension"),
    USAGE_SAMPLE_RETENTION_DAYS: intVar(2, 400, 7, "raw usage samples older than this are pruned"),
    USAGE_HOURLY_RETENTION_DAYS: intVar(2, 3650, 90, "hourly rollups older than this are pruned"),
    USAGE_ROLLUP_OVERLAP_MINUTES: intVar(
      1,
      1440,
      10,
      "each rollup pass also re-reads samples received this long before its watermark (a batch whose transaction committed late)",
    ),
    INVOICE_ISSUER_NAME: z.string().max(200).default("Cellblock Hosting").describe("the seller named on every invoice"),
    INVOICE_ISSUER_ADDRESS: z
      .string()
      .max(500)
      .default("1 Example Street, 10115 Berlin, Germany")
      .describe("the seller's postal address on every invoice (commas start new lines)"),
    INVOICE_ISSUER_COUNTRY: z
      .string()
      .regex(/^[A-Z]{2}$/, "expected an ISO 3166-1 alpha-2 country code such as DE")
      .default("DE")
      .describe("the seller's country: decides what is domestic and what is an EU reverse charge"),
    INVOICE_ISSUER_VAT_ID: z
      .string()
      .max(30)
      .optional()
      .describe("the seller's VAT number, printed on every invoice (required for reverse charge)"),
    INVOICE_NUMBER_PREFIX: z
      .string()
      .regex(/^[A-Z0-9]{1,10}$/, "expected 1–10 capital letters or digits")
      .default("CB")
      .describe("the issuer's invoice number prefix; each prefix has its own gapless sequence"),
  }),
);

/** Prometheus scraping of /api/metrics. */
export const metricsConfig = configSection(
  "metrics",
  z.object({
    METRICS_TOKEN: z
      .string()
      .min(20, "expected at least 20 characters")
      .optional()
      .describe("bearer token for /api/metrics; unset → the endpoint is off"),
  }),
);

/**
 * Backups (restic). Hosts write to `BACKUP_URL` (a restic REST server run with
 * `--append-only --private-repos`), each as its own user generated by the control plane, whose
 * credentials the control plane keeps in `BACKUP_HTPASSWD_FILE` for that server to read.
 * Retention runs from the control plane against `BACKUP_ADMIN_URL` (full access).
 * Unset: `npm start` / `npm test` run the embedded server (`rclone serve restic`) and set them.
 */
export const backupConfig = configSection(
  "backup",
  z.object({
    BACKUP_URL: z
      .string()
      .regex(/^rest:https?:\/\/[^/@\s]+(\/[^@\s]*)?$/, "expected rest:http(s)://host:port/ with no user or password in it")
      .optional()
      .describe("restic REST server the hosts back up to (append-only, private repositories); unset → backups are off"),
    BACKUP_ADMIN_URL: z
      .string()
      .regex(/^(rest:https?:\/\/\S+|\/\S+)$/, "expected rest:http(s)://user:pass@host:port/ or an absolute directory")
      .optional()
      .describe("the same repositories with full access, for retention (forget --prune): a REST URL or the server's data directory"),
    BACKUP_HTPASSWD_FILE: z
      .string()
      .regex(/^\/\S+$/, "expected an absolute path")
      .optional()
      .describe("htpasswd file the backup server reads: one user per host, written by the control plane"),
    BACKUP_SECRET_KEY: z
      .string()
      .min(32, "expected at least 32 characters")
      .optional()
      .describe("seals repository and host backup passwords in the database"),
    BACKUP_WINDOW_START_HOUR: intVar(0, 23, 1, "UTC hour the nightly backup window opens"),
    BACKUP_WINDOW_HOURS: intVar(1, 24, 4, "length of the nightly backup window, in hours: scheduled backups are spread over it"),
  }),
);

/** The browser console (lib/domain/console, lib/server/console-gateway.ts). */
export const consoleConfig = configSection(
  "console",
  z.object({
    CONSOLE_IDLE_SECONDS: intVar(5, 86_400, 900, "seconds without a keystroke before a console session is closed"),
    CONSOLE_MAX_SESSIONS_PER_JAIL: intVar(1, 20, 2, "console sessions one jail may have open (or being opened) at once"),
  }),
);

/** The control-plane worker. */
export const workerConfig = configSection(
  "worker",
  z.object({
    WORKER_INTERVAL_SECONDS: intVar(1, 3600, 30, "seconds between two worker ticks"),
  }),
);

/** `npm start` on one machine. */
export const launcherConfig = configSection(
  "launcher",
  z.object({
    EMBEDDED_PG_PORT: intVar(1, 65_535, 54320, "port of the embedded PostgreSQL when DATABASE_URL is unset"),
    EMBEDDED_BACKUP_PORT: intVar(1, 65_535, 54330, "port (127.0.0.1) of the embedded backup server when BACKUP_URL is unset"),
    // Set by our launcher for the processes it starts: exit when the launcher's pipe closes.
    CELLBLOCK_SUPERVISED: z.enum(["0", "1"]).default("0").describe("set by npm start / npm test for their children"),
  }),
);

export type BillingConfig = ReturnType<typeof billingConfig>;

/**
 * Reads every server section now, so a bad variable stops the process at start with its name.
 * @throws ConfigError (all sections' problems, first section first).
 */
export function checkServerConfig(): void {
  for (const section of [
    webConfig,
    authConfig,
    apiConfig,
    totpKeyConfig,
    databaseConfig,
    databasePoolConfig,
    metricsConfig,
    jobsConfig,
    hostsConfig,
    billingConfig,
    backupConfig,
    consoleConfig,
    workerConfig,
  ])
    section();
}

/** Whether session cookies carry `Secure`: explicit COOKIE_SECURE, else production over https. */
export function cookiesSecure(): boolean {
  const explicit = authConfig().COOKIE_SECURE;
  if (explicit) return explicit === "true";
  const web = webConfig();
  return web.NODE_ENV === "production" && web.APP_URL.startsWith("https://");
}
