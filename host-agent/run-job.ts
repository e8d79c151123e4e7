// Runs one leased job against the driver. Every job type is safe to run twice: the driver's
// operations are idempotent, and CREATE adopts a jail that a previous (timed-out or killed)
// attempt already made instead of making a second one.
import type { z } from "zod";
import { ZodError } from "zod";
import type { completeRequest, leasedJob } from "@/lib/schemas/agent";
import { typedJob } from "@/lib/schemas/jobs";
import { CommandError } from "./exec";
import { NO_JOB, NotFoundError, PreconditionError, UnsupportedError, type Driver, type JobContext } from "./drivers/driver";

type Leased = z.infer<typeof leasedJob>;
export type Completion = z.infer<typeof completeRequest>;

/**
 * Runs `job` and says how it ended. Never throws: a payload that does not match its type's schema,
 * an unsupported operation, a missing jail and an unmet precondition ("the jail must be running")
 * fail for good (retryable: false) with the reason in words; a command that failed or timed out
 * is retryable.
 */
export async function runJob(driver: Driver, leased: Leased, job: JobContext = NO_JOB): Promise<Completion> {
  const parsed = typedJob.safeParse({ type: leased.type, payload: leased.payload });
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.slice(1).join(".")}: ${i.message}`).join("; ");
    return { status: "FAILED", retryable: false, error: `The job's payload is invalid: ${issues}`.slice(0, 2000) };
  }
  const typed = parsed.data;
  try {
    switch (typed.type) {
      case "CREATE":
      case "REINSTALL": {
        const p = typed.payload;
        if (typed.type === "REINSTALL") await driver.destroy(p.jail.name);
        const r = await driver.create(p.jail, { sshKeys: p.sshKeys, start: p.start, rootPasswordHash: p.rootPasswordHash, job });
        return ok({
          jid: r.jid,
          initPid: r.initPid ?? null,
          running: r.running,
          sshHostKeyFingerprint: r.sshHostKeyFingerprint,
          rootPasswordSet: r.rootPasswordSet ?? false,
          note: r.adopted ? "adopted an existing jail of that name" : undefined,
        });
      }
      case "BUILD_TEMPLATE": {
        if (!driver.buildTemplate)
          throw new UnsupportedError(driver.name, "building templates on the host (its templates are prepared by the admin)");
        const r = await driver.buildTemplate(typed.payload.template, job);
        return ok({ templateBytes: r.bytes, note: r.cached ? "the template was already in this host's cache" : undefined });
      }
      case "START": {
        const info = await driver.start(typed.payload.name);
        return ok({ jid: info.jid, initPid: info.initPid ?? null, running: info.running });
      }
      case "STOP": {
        const info = await driver.stop(typed.payload.name);
        return ok({ jid: null, initPid: null, running: info.running });
      }
      case "RESTART": {
        const info = await driver.restart(typed.payload.name);
        return ok({ jid: info.jid, initPid: info.initPid ?? null, running: info.running });
      }
      case "DESTROY":
        await driver.destroy(typed.payload.name);
        return ok({ destroyed: true, running: false });
      case "SET_LIMITS":
        await driver.setLimits(typed.payload.name, typed.payload.limits);
        return ok({});
      case "SET_PASSWORD":
        await driver.setRootPasswordHash(typed.payload.name, typed.payload.passwordHash);
        return ok({});
      case "SET_SSH_KEYS":
        await driver.setAuthorizedKeys(typed.payload.name, typed.payload.keys);
        return ok({});
      case "SNAPSHOT":
        await driver.snapshot(typed.payload.name, typed.payload.snapshot);
        return ok({});
      case "BACKUP": {
        const p = typed.payload;
        if (p.secrets === "[removed]")
          throw new PreconditionError("This backup job's credentials were removed when it ended: back up again.");
        const r = await driver.backup(
          p.name,
          { repository: p.repository, username: p.username, ...p.secrets },
          { backupId: p.backupId, job },
        );
        return ok({ backup: r });
      }
      case "RESTORE": {
        const p = typed.payload;
        if (p.secrets === "[removed]")
          throw new PreconditionError("This restore job's credentials were removed when it ended: restore again.");
        const info = await driver.restore(
          p.name,
          { repository: p.repository, username: p.username, ...p.secrets },
          {
            snapshotId: p.snapshotId,
            start: p.start,
            job,
          },
        );
        return ok({ jid: info.jid, initPid: info.initPid ?? null, running: info.running, restoredSnapshotId: p.snapshotId });
      }
      case "MIGRATE_OUT": {
        // The final copy of a move: the jail stops here for good (the target starts it), so what
        // the copy holds is every write the customer made on this host.
        const p = typed.payload;
        if (p.secrets === "[removed]")
          throw new PreconditionError("This job's credentials were removed when it ended: move the jail again.");
        if ((await driver.inspect(p.name))?.running) {
          job.progress({ message: "Stopping the jail for the final copy" });
          await driver.stop(p.name);
        }
        const r = await driver.backup(
          p.name,
          { repository: p.repository, username: p.username, ...p.secrets },
          { backupId: p.backupId, job },
        );
        return ok({ backup: r, running: false });
      }
      case "MIGRATE_IN": {
        // Made with this host's addresses, then its root replaced by the copy: the customer's
        // files, host keys and passwords arrive with the snapshot (the seeded ones are overwritten).
        const p = typed.payload;
        if (p.secrets === "[removed]")
          throw new PreconditionError("This job's credentials were removed when it ended: move the jail again.");
        job.progress({ percent: 5, message: "Making the jail on this host" });
        await driver.create(p.jail, { sshKeys: p.sshKeys, start: false, job });
        job.progress({ percent: 30, message: "Restoring the jail's files from its copy" });
        const info = await driver.restore(
          p.jail.name,
          { repository: p.repository, username: p.username, ...p.secrets },
          { snapshotId: p.snapshotId, start: p.start, job },
        );
        return ok({ jid: info.jid, initPid: info.initPid ?? null, running: info.running, restoredSnapshotId: p.snapshotId });
      }
      default: {
        const unknownJob: never = typed; // every parsed type is handled above
        return { status: "FAILED", retryable: false, error: `Unknown job type ${String((unknownJob as { type: unknown }).type)}.` };
      }
    }
  } catch (err) {
    return failure(err);
  }
}

const ok = (result: Extract<Completion, { status: "SUCCEEDED" }>["result"]): Completion => ({ status: "SUCCEEDED", result });

/** The one place that decides whether an error is worth another attempt. */
function failure(err: unknown): Completion {
  if (err instanceof UnsupportedError || err instanceof NotFoundError || err instanceof PreconditionError || err instanceof ZodError) {
    return { status: "FAILED", retryable: false, error: errorMessage(err).slice(0, 2000) };
  }
  if (err instanceof CommandError) {
    // A timeout is not a verdict: the next attempt finds (and adopts) whatever was made.
    return { status: "FAILED", retryable: true, error: err.message.slice(0, 2000), output: err.outputTail };
  }
  return { status: "FAILED", retryable: true, error: errorMessage(err).slice(0, 2000) };
}

function errorMessage(err: unknown): string {
  if (err instanceof ZodError) return err.issues.map((i) => i.message).join("; ");
  return err instanceof Error ? err.message : String(err);
}
