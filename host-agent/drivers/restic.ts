// restic, as both drivers run it (restic 0.14+: Debian bookworm's `restic`, FreeBSD's
// `sysutils/restic`). Commands and flags from restic's manual
// (https://restic.readthedocs.io/en/stable/): "Preparing a new repository" (init, REST server
// URLs `rest:http://user:pass@host:port/path/`), "Backing up" (`backup --json`, `--host`,
// `--tag`), "Restoring from backup" (`restore <id> --target`), "Scripting" (`snapshots --json`,
// the backup summary's `snapshot_id`, `total_bytes_processed`, `data_added`).
//
// Secrets: the repository URL with the host's backup user and password goes in the environment
// as RESTIC_REPOSITORY and the repository key as RESTIC_PASSWORD — never on argv, where `ps`
// would show them to every user of the host (/proc/<pid>/environ is readable by root and the
// process's owner only). restic masks the password in any URL it prints ("user:***@").
import { z } from "zod";
import { resticSnapshotId } from "@/lib/schemas/jobs";
import type { ExecOptions, Runner } from "../exec";
import type { JobContext } from "./driver";

/** Where a jail's backups go and the secrets to reach it (from a BACKUP or RESTORE job). */
export type BackupTarget = {
  /** rest:http(s)://host:port/<user>/<repository>/, without credentials. */
  repository: string;
  /** The host's own user on the backup server. */
  username: string;
  httpPassword: string;
  /** The repository's encryption password. */
  repositoryPassword: string;
};

/** What a backup made: restic's snapshot id and sizes, in bytes. */
export type BackupResult = { snapshotId: string; sizeBytes: number; addedBytes: number };

/** The environment restic runs with: the repository and its key, nothing on argv. */
export function resticEnv(target: BackupTarget, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const url = target.repository.replace(
    /^rest:(https?):\/\//,
    (_m, scheme: string) => `rest:${scheme}://${encodeURIComponent(target.username)}:${encodeURIComponent(target.httpPassword)}@`,
  );
  return {
    NODE_ENV: base.NODE_ENV,
    PATH: base.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    HOME: base.HOME ?? "/root",
    RESTIC_REPOSITORY: url,
    RESTIC_PASSWORD: target.repositoryPassword,
  };
}

/** The tag that marks the snapshot of one Backup row: a retry finds the snapshot its first attempt made. */
export const backupTag = (backupId: string) => `cellblock-backup:${backupId}`;

const snapshotList = z.array(z.object({ id: resticSnapshotId, tags: z.array(z.string()).nullish() }).passthrough());
const backupSummary = z.object({
  message_type: z.literal("summary"),
  snapshot_id: z.string(),
  total_bytes_processed: z.number().int().min(0),
  data_added: z.number().int().min(0),
});

/**
 * Runs restic against one jail's repository. `--no-cache`: a host backs up many repositories
 * once a night each; a metadata cache per repository would cost disk on every host for little.
 */
export class Restic {
  constructor(
    private readonly run: Runner["run"],
    private readonly target: BackupTarget,
  ) {}

  private exec(args: string[], opts: ExecOptions = {}) {
    return this.run(["restic", ...args, "--no-cache"], { timeoutMs: 3_600_000, ...opts, env: resticEnv(this.target) });
  }

  /** `restic init`, or nothing when the repository exists (restic says "config file already exists"). */
  async ensureRepository(): Promise<void> {
    const r = await this.exec(["init"], { okCodes: [1], timeoutMs: 120_000 });
    if (r.code === 1 && !/config file already exists/.test(r.stderr)) {
      throw new Error(`restic could not open or create the repository: ${lastLine(r.stderr)}`);
    }
  }

  /** The full id of the snapshot tagged `tag`, or null. */
  async findTagged(tag: string): Promise<string | null> {
    const r = await this.exec(["snapshots", "--json", "--tag", tag], { timeoutMs: 120_000 });
    return snapshotList.parse(JSON.parse(r.stdout || "[]"))[0]?.id ?? null;
  }

  /**
   * Backs up the directory `dir` (its contents become the snapshot's root: `.` from inside it),
   * as host `hostLabel` (the jail's name, so its snapshots stay its own whichever host ran them),
   * tagged `tag`. Idempotent: a snapshot already tagged `tag` is returned instead of a second one.
   */
  async backup({ dir, hostLabel, tag, job }: { dir: string; hostLabel: string; tag: string; job?: JobContext }): Promise<BackupResult> {
    await this.ensureRepository();
    const existing = await this.findTagged(tag);
    if (existing) {
      const stats = await this.exec(["stats", "--json", "--mode", "restore-size", existing], { timeoutMs: 600_000 });
      const size = z.object({ total_size: z.number().int().min(0) }).parse(JSON.parse(stats.stdout));
      return { snapshotId: existing, sizeBytes: size.total_size, addedBytes: 0 };
    }
    job?.progress({ message: "Backing up the jail's files" });
    const r = await this.exec(["backup", "--json", "--host", hostLabel, "--tag", "cellblock", "--tag", tag, "."], {
      cwd: dir,
      signal: job?.signal,
    });
    const summary = r.stdout
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l.startsWith("{") && l.includes('"summary"'))
      .map((l) => backupSummary.safeParse(JSON.parse(l)))
      .find((p) => p.success)?.data;
    if (!summary) throw new Error("restic backup reported no summary");
    // restic 0.14 reports the short id in its summary; the full one comes from the listing.
    const full = await this.findTagged(tag);
    if (!full || !full.startsWith(summary.snapshot_id)) throw new Error(`restic made snapshot ${summary.snapshot_id} but does not list it`);
    return { snapshotId: full, sizeBytes: summary.total_bytes_processed, addedBytes: summary.data_added };
  }

  /** Restores snapshot `snapshotId` into the (empty) directory `dir`. */
  async restore({ snapshotId, dir, job }: { snapshotId: string; dir: string; job?: JobContext }): Promise<void> {
    job?.progress({ message: "Restoring the jail's files" });
    await this.exec(["restore", resticSnapshotId.parse(snapshotId), "--target", dir], { signal: job?.signal });
  }
}

function lastLine(text: string): string {
  return text.trim().split("\n").filter(Boolean).slice(-1)[0] ?? "";
}
