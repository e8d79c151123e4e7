// The embedded backup server for `npm start` and `npm test` when no BACKUP_URL is configured:
// `rclone serve restic` (Debian's `rclone`) on a data directory, on loopback only.
//   --append-only   hosts can add snapshots but never delete or overwrite one (a compromised
//                   host cannot destroy its backups);
//   --private-repos each user reaches only the paths under /<user>/ (a host cannot list or read
//                   another host's repositories);
//   --htpasswd      one user per host, written by the control plane (lib/backups/backup-users.ts);
//                   rclone re-reads the file when it changes, so a new host needs no restart.
// Retention (restic forget --prune) does not go through this server: the worker opens the
// repositories in the data directory directly, with full access (BACKUP_ADMIN_URL).
import { spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { startService } from "./run";

export type EmbeddedBackupServer = {
  child: ChildProcess;
  /** The environment the web tier, the worker and the tests need (lib/config backupConfig). */
  env: { BACKUP_URL: string; BACKUP_ADMIN_URL: string; BACKUP_HTPASSWD_FILE: string };
};

/** Why backups cannot run here, or null when rclone and restic are installed. */
export function backupToolsMissing(): string | null {
  const missing = ["rclone", "restic"].filter((tool) => spawnSync(tool, ["version"], { stdio: "ignore" }).status !== 0);
  return missing.length ? `${missing.join(" and ")} not installed (apt-get install restic rclone)` : null;
}

/**
 * Starts `rclone serve restic` on 127.0.0.1:`port` serving `dataDir`, and waits until it
 * accepts connections.
 * @throws Error when it does not come up within 15 s.
 */
export async function startBackupServer(opts: {
  dataDir: string;
  port: number;
  logFile?: NodeJS.WritableStream;
  silent?: boolean;
}): Promise<EmbeddedBackupServer> {
  const repos = path.join(opts.dataDir, "repositories");
  const htpasswd = path.join(opts.dataDir, "htpasswd");
  fs.mkdirSync(repos, { recursive: true, mode: 0o700 });
  if (!fs.existsSync(htpasswd)) fs.writeFileSync(htpasswd, "", { mode: 0o600 });
  const child = startService(
    "[backup]",
    "rclone",
    [
      "serve",
      "restic",
      "--append-only",
      "--private-repos",
      "--htpasswd",
      htpasswd,
      "--addr",
      `127.0.0.1:${opts.port}`,
      // No rclone.conf is needed for a local directory; say so rather than look for one.
      "--config",
      "/dev/null",
      repos,
    ],
    { logFile: opts.logFile, silent: opts.silent },
  );
  await waitForPort(opts.port, 15_000);
  return {
    child,
    env: { BACKUP_URL: `rest:http://127.0.0.1:${opts.port}/`, BACKUP_ADMIN_URL: repos, BACKUP_HTPASSWD_FILE: htpasswd },
  };
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: "127.0.0.1", port }, () => {
        s.end();
        resolve(true);
      });
      s.on("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the backup server did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
}
