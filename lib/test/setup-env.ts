// Runs in every test worker before the test files are imported.
import crypto from "node:crypto";
import { inject } from "vitest";

process.env.DATABASE_URL = inject("databaseUrl");
process.env.NEXTAUTH_SECRET ??= crypto.randomBytes(32).toString("hex");
process.env.APP_URL ??= "http://localhost:3000";
// NODE_ENV is "test"; the mail module stores messages (no SMTP_URL) so tests can read them.
delete process.env.SMTP_URL;
process.env.DB_POOL_MAX ??= "5";
// TOTP secrets are sealed under this key (lib/auth/totp-secret-seal.ts); any 32 bytes do.
process.env.TOTP_ENCRYPTION_KEY ??= crypto.randomBytes(32).toString("hex");
// Backups: sealing works; no server (tests that need one start their own rclone). One key for
// every worker of a run (derived from its database): the backup server's htpasswd file is
// written from every jail's sealed credential, whichever test file sealed it.
process.env.BACKUP_SECRET_KEY ??= crypto.createHash("sha256").update(`cellblock-test-backup-key:${process.env.DATABASE_URL}`).digest("hex");
