// Runs one leased job against the driver. Every job type is safe to run twice: the driver's
// operations are idempotent, and CREATE adopts a jail that a previous (timed-out or killed)
// attempt already made instead of making a second one.
import type { z } from "zod";
import { ZodError } from "zod";
import type { completeRequest, leasedJob } from "@/lib/schemas/agent";
import { jobPayloads, type ParsedJobPayload as JobPayload } from "@/lib/schemas/jobs";
import { CommandError } from "./exec";
import { NotFoundError, UnsupportedError, type Driver } from "./drivers/driver";

type Leased = z.infer<typeof leasedJob>;
export type Completion = z.infer<typeof completeRequest>;

export async function runJob(driver: Driver, job: Leased): Promise<Completion> {
  let payload: unknown;
  try {
    payload = jobPayloads[job.type].parse(job.payload);
  } catch (err) {
    return {
      status: "FAILED",
      retryable: false,
      error: `The job's payload is invalid: ${err instanceof ZodError ? err.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") : String(err)}`,
    };
  }
  try {
    switch (job.type) {
      case "CREATE":
      case "REINSTALL": {
        const p = payload as JobPayload<"CREATE">;
        if (job.type === "REINSTALL") await driver.destroy(p.jail.name);
        const r = await driver.create(p.jail, { sshKeys: p.sshKeys, start: p.start });
        return ok({
          jid: r.jid,
          running: r.running,
          sshHostKeyFingerprint: r.sshHostKeyFingerprint,
          note: r.adopted ? "adopted an existing jail of that name" : undefined,
        });
      }
      case "START": {
        const info = await driver.start((payload as JobPayload<"START">).name);
        return ok({ jid: info.jid, running: info.running });
      }
      case "STOP": {
        const info = await driver.stop((payload as JobPayload<"STOP">).name);
        return ok({ jid: null, running: info.running });
      }
      case "RESTART": {
        const info = await driver.restart((payload as JobPayload<"RESTART">).name);
        return ok({ jid: info.jid, running: info.running });
      }
      case "DESTROY":
        await driver.destroy((payload as JobPayload<"DESTROY">).name);
        return ok({ destroyed: true, running: false });
      case "SET_LIMITS": {
        const p = payload as JobPayload<"SET_LIMITS">;
        await driver.setLimits(p.name, p.limits);
        return ok({});
      }
      case "SET_PASSWORD": {
        const p = payload as JobPayload<"SET_PASSWORD">;
        await driver.setRootPasswordHash(p.name, p.passwordHash);
        return ok({});
      }
      case "SET_SSH_KEYS": {
        const p = payload as JobPayload<"SET_SSH_KEYS">;
        await driver.setAuthorizedKeys(p.name, p.keys);
        return ok({});
      }
      case "SNAPSHOT": {
        const p = payload as JobPayload<"SNAPSHOT">;
        await driver.snapshot(p.name, p.snapshot);
        return ok({});
      }
      default:
        return { status: "FAILED", retryable: false, error: `This agent does not run ${job.type} jobs yet.` };
    }
  } catch (err) {
    return failure(err);
  }
}

const ok = (result: Extract<Completion, { status: "SUCCEEDED" }>["result"]): Completion => ({ status: "SUCCEEDED", result });

function failure(err: unknown): Completion {
  if (err instanceof UnsupportedError || err instanceof NotFoundError || err instanceof ZodError) {
    return { status: "FAILED", retryable: false, error: errorMessage(err) };
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
